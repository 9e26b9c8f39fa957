# Interfaces owned by the runbook: with match = "exact", every line of a
# declared interface section that the runbook does not declare is removed,
# so hand-made leftovers (an mtu, a shutdown) do not survive. Interfaces the
# runbook does not declare are left alone.
#
#   netrun apply -sim -auto-approve examples/interfaces

credentials "lab" {
  username = "cisco"
  password = "cisco"
  enable   = "cisco"
}

locals {
  # An inventory in YAML: switch name => where it is reached.
  switches = yamldecode(file("switches.yaml"))
}

device "sw" {
  for_each    = local.switches
  host        = each.value.host
  port        = each.value.port
  credentials = credentials.lab
  known_hosts = "sim_known_hosts"

  sim {
    config = file("start.cfg")
  }
}

config "uplinks" {
  match = "exact"
  text  = <<-EOT
    interface GigabitEthernet2
     description uplink to ${self.name}-core
     ip address 10.0.12.1 255.255.255.0
     negotiation auto
     no shutdown
  EOT
}
