variable "secret" {
  type      = string
  default   = "hunter2-do-not-show"
  sensitive = true
}
device "h1" {
  host    = "10.0.0.1"
  driver  = "fake"
  token   = "t"
  env     = "A=1" # ERROR: Inappropriate value for attribute "env": map of string required
  sudo    = "maybe" # ERROR: Inappropriate value for attribute "sudo": a bool is required
  retries = var.secret # ERROR: Inappropriate value for attribute "retries": a number is required
  paths   = ["/a", null] # ERROR: The elements of paths must not be null
  shell   = ["/bin/sh"] # ERROR: Inappropriate value for attribute "shell": string required
}
device "h2" {
  for_each = toset(["a", "b"])
  host     = "10.0.0.2"
  driver   = "fake"
  token    = { x = each.key } # ERROR: Inappropriate value for attribute "token"
}
device "h3" {
  host   = "10.0.0.3"
  driver = "fake"
  token  = "t"
  env    = { A = local.nope } # ERROR: Reference to undeclared local value
}
