# A fleet served by `netrun sim`, for trying netrun (or netmiko, or Ansible)
# against the same simulated routers:
#
#   netrun sim -count 20 -listen 127.0.0.1:10022 -latency 200ms -known-hosts sim_known_hosts
#   netrun apply -auto-approve -parallelism=5 examples/sim-fleet
#
# Host keys are verified against the known_hosts file `netrun sim` wrote.

variable "count" {
  type    = number
  default = 20
}

variable "base_port" {
  type    = number
  default = 10022
}

variable "known_hosts" {
  type    = string
  default = "sim_known_hosts"
}

credentials "sim" {
  username = "cisco"
  password = "cisco"
  enable   = "cisco"
}

device "r" {
  for_each    = { for i in range(var.count) : "r${i + 1}" => i }
  host        = "127.0.0.1"
  port        = var.base_port + each.value
  credentials = credentials.sim
  known_hosts = var.known_hosts
}

command "clock" {
  commands = ["show clock"]
}

output "clock" {
  value = command.clock.output
}
