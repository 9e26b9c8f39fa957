# Devices from an inventory file: one device per CSV row with for_each.

variable "username" {
  type    = string
  default = "netops"
}

variable "password" {
  type      = string
  default   = "netops"
  sensitive = true
}

locals {
  inventory = csvdecode(file("devices.csv"))
  ams       = [for d in local.inventory : d.name if d.site == "ams"]
}

credentials "netops" {
  username = var.username
  password = var.password
  enable   = var.password
}

device "inv" {
  for_each    = { for d in local.inventory : d.name => d }
  host        = each.value.host
  platform    = each.value.platform
  credentials = credentials.netops
  tags        = [each.value.site]
}

command "version" {
  commands = ["show version"]
}

command "interfaces" {
  devices    = local.ams
  commands   = ["show ip interface brief"]
  depends_on = [command.version]
}

output "versions" {
  value = command.version.output
}

output "ams_interfaces" {
  value = command.interfaces.output
}
