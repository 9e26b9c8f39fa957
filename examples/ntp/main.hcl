# A fleet converges to its NTP servers: plan shows, per router, exactly which
# lines would change; apply sends only those, verifies, and saves; the next
# plan shows "No changes.".
#
# Against routers served by `netrun sim` (see README.md), or in one step:
#   netrun apply -sim -auto-approve examples/ntp

variable "base_port" {
  type    = number
  default = 11022
}

variable "password" {
  type      = string
  default   = "cisco"
  sensitive = true
}

# Changing configuration needs the privileged mode: its secret is a variable
# of its own, as on most routers it is not the login password.
variable "enable_secret" {
  type      = string
  default   = "cisco"
  sensitive = true
}

credentials "lab" {
  username = "cisco"
  password = var.password
  enable   = var.enable_secret
}

device "r" {
  for_each    = { for i in range(3) : "r${i + 1}" => i }
  host        = "127.0.0.1"
  port        = var.base_port + each.value
  credentials = credentials.lab
  known_hosts = "sim_known_hosts"

  # Under -sim, each router starts from this configuration.
  sim {
    config = file("start.cfg")
  }
}

config "ntp" {
  text = <<-EOT
    ntp server 10.0.0.1
    ntp server 10.0.0.2
  EOT

  # The old server must go, wherever it is still configured.
  absent = "ntp server 192.0.2.99"
}
