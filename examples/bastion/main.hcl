# Devices in a data centre that only accept SSH from inside it, reached
# through two bastions: the internet-facing one, then the data centre's own.
# One SSH connection per bastion carries every device session behind it.
#
#   netrun apply -sim -auto-approve examples/bastion

variable "password" {
  type      = string
  default   = "netops"
  sensitive = true
}

variable "jump_password" {
  type      = string
  default   = "jump"
  sensitive = true
}

credentials "jump" {
  username = "jump"
  password = var.jump_password
}

credentials "netops" {
  username = "netops"
  password = var.password
  enable   = var.password
}

jump_host "edge" {
  host        = "bastion.example.net"
  port        = 2222 # internet-facing: kept off port 22 and its scanners
  credentials = credentials.jump
}

# The data centre's host keys, its bastion's and its switches', are kept in
# a known_hosts file of their own beside this runbook; edge's are checked
# against ~/.ssh/known_hosts.
jump_host "dc1" {
  host        = "jump.dc1.internal"
  credentials = credentials.jump
  via         = jump_host.edge
  known_hosts = "dc1_known_hosts"
}

device "dc1" {
  for_each    = toset(["sw1", "sw2", "sw3", "sw4"])
  host        = "${each.key}.dc1.internal"
  credentials = credentials.netops
  via         = jump_host.dc1
  known_hosts = "dc1_known_hosts"
}

command "version" {
  commands = ["show version | include uptime"]
}

output "uptime" {
  value = command.version.output
}
