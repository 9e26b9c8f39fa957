variable "secret" {
  type      = string
  default   = "hunter2-do-not-show"
  sensitive = true
}
device "r1" {
  host    = "10.0.0.1"
  port    = var.secret # ERROR: a number is required
  timeout = var.secret # ERROR: must be a duration
}
device "r2" {
  host = file(var.secret) # ERROR: no file exists at "(sensitive value)"
}
output "leak" {
  value = "pw=${var.secret}" # ERROR: Output refers to sensitive values
}
