variable "n" {
  type    = number
  default = "many" # ERROR: Invalid default value for variable
}
variable "t" {
  type = lisst(string) # ERROR: not a valid type
}
output "o" {
  value     = 1
  sensitive = "yes" # ERROR: Unsuitable value type
}
