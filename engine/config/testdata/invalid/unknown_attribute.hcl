device "r1" {
  host = "10.0.0.1"
  sim {
    pasword = "x" # ERROR: Unsupported argument
  }
}
credentials "c" {
  username = "u"
  secret   = "x" # ERROR: Unsupported argument
}
command "c" {
  commands = ["show clock"]
  device   = [] # ERROR: Unsupported argument
}
output "o" {
  value  = 1
  values = 2 # ERROR: Unsupported argument
}
variable "v" {
  default = 1
  typ     = string # ERROR: Unsupported argument
}
netrun {
  paralelism = 2 # ERROR: Unsupported argument
}
