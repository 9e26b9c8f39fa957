# The textbook job: `sh clock` on three Cisco routers, two at a time, and the
# results as { device = output }.

netrun {
  parallelism = 2
}

variable "password" {
  type        = string
  description = "Login password and enable secret of the lab routers."
  default     = "cisco"
  sensitive   = true
}

credentials "lab" {
  username = "cisco"
  password = var.password
  enable   = var.password
}

device "r1" {
  host        = "192.168.100.1"
  credentials = credentials.lab
}

device "r2" {
  host        = "192.168.100.2"
  credentials = credentials.lab
}

device "r3" {
  host        = "192.168.100.3"
  credentials = credentials.lab
}

command "clock" {
  commands = ["sh clock"]
}

output "clock" {
  value = command.clock.output
}
