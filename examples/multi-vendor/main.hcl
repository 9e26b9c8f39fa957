# One runbook, four vendors, through scrapligo's platform definitions:
# Cisco IOS-XE, Cisco NX-OS, Arista EOS and Juniper Junos.
#
#   netrun apply -sim -auto-approve examples/multi-vendor

netrun {
  parallelism = 4
}

variable "password" {
  type      = string
  default   = "netops"
  sensitive = true
}

credentials "netops" {
  username = "netops"
  password = var.password
  enable   = var.password
}

locals {
  fleet = {
    "edge-ios"  = { host = "192.168.10.1", platform = "cisco_iosxe" }
    "core-nxos" = { host = "192.168.10.2", platform = "cisco_nxos" }
    "leaf-eos"  = { host = "192.168.10.3", platform = "arista_eos" }
    "border-mx" = { host = "192.168.10.4", platform = "juniper_junos" }
  }
}

device "net" {
  for_each    = local.fleet
  host        = each.value.host
  platform    = each.value.platform
  driver      = "scrapli"
  credentials = credentials.netops
}

# Every platform answers "show version" in its own words.
command "version" {
  commands = ["show version"]
}

# The same question needs each vendor's own command.
command "interfaces" {
  devices    = [for d in values(device.net) : d if d.platform != "juniper_junos"]
  commands   = ["show ip interface brief"]
  depends_on = [command.version]
}

command "interfaces_junos" {
  devices    = [for d in values(device.net) : d if d.platform == "juniper_junos"]
  commands   = ["show interfaces terse"]
  depends_on = [command.version]
}

output "versions" {
  value = command.version.output
}

output "interfaces" {
  value = merge(command.interfaces.output, command.interfaces_junos.output)
}
