# The textbook's as_completed variant: one router refuses our password, and
# its error is reported by name next to the other two results.
#
# The three routers are one device block: for_each over a map of name =>
# address, and a conditional that gives r2 alone a simulator setting.

netrun {
  parallelism = 2
}

variable "password" {
  type      = string
  default   = "cisco"
  sensitive = true
}

variable "r2_password" {
  type        = string
  description = "The password r2's simulator expects; -var r2_password=cisco lets us in."
  default     = "changed-by-someone-else"
  sensitive   = true
}

credentials "lab" {
  username = "cisco"
  password = var.password
  enable   = var.password
}

device "r" {
  for_each = {
    r1 = "192.168.100.1"
    r2 = "192.168.100.2"
    r3 = "192.168.100.3"
  }
  host        = each.value
  credentials = credentials.lab

  # Under -sim, r2's simulator expects another password, so our login is
  # refused as a real router with a changed password would refuse it; null
  # leaves r1 and r3 expecting the password of their credentials.
  sim {
    password = each.key == "r2" ? var.r2_password : null
  }
}

command "clock" {
  commands = ["sh clock"]
}

output "clock" {
  value = command.clock.output
}
