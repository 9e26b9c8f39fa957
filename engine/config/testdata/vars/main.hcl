variable "site" {
  type    = string
  default = "default"
}

variable "count" {
  type    = number
  default = 1
}

variable "hosts" {
  type    = list(string)
  default = ["h0"]
}

variable "ports" {
  type    = map(number)
  default = {}
}

variable "untyped" {
  default = "u"
}

variable "token" {
  type      = string
  sensitive = true
  default   = "tok-default-secret"
}

variable "keys" {
  type      = list(string)
  sensitive = true
  default   = []
}

device "d" {
  for_each = toset(var.hosts)
  host     = "${each.key}.${var.site}"
  port     = lookup(var.ports, each.key, 22) + var.count - 1
  tags     = [var.untyped]
}

credentials "c" {
  username = "u"
  password = var.token
}

output "token_len" {
  value     = strlen(var.token)
  sensitive = true
}
