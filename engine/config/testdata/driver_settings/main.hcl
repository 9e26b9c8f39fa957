# Devices of a plugin driver "fake" with settings of their own, checked
# against the schema the tests pass in LoadOptions.Schemas.
variable "token" {
  type      = string
  default   = "tok-secret-1"
  sensitive = true
}

locals {
  shell = "/bin/bash"
}

device "host" {
  for_each = { h1 = "10.0.0.1", h2 = "10.0.0.2" }
  host     = each.value
  driver   = "fake"
  token    = var.token
  shell    = local.shell
  env      = { REGION = "eu-west", NODE = each.key, LIMIT = 5, PEER = device.plain.host }
  sudo     = each.key == "h2"
  retries  = 2.5
  paths    = ["/usr/bin", "/sbin"]
}

device "plain" {
  host   = "10.0.0.3"
  driver = "fake"
  token  = "Bearer ${var.token}"
}

device "r1" {
  host = "10.0.0.4"
}
