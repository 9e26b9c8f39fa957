# The textbook's as_completed variant: one router refuses our password, and
# its error is reported by name next to the other two results.

netrun {
  parallelism = 2
}

variable "password" {
  type      = string
  default   = "cisco"
  sensitive = true
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

  # Under -sim, this router's simulator expects another password, so our
  # login is refused as a real router with a changed password would.
  sim {
    password = "changed-by-someone-else"
  }
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
