netrun {
  parallelism = 2
}

variable "password" {
  type        = string
  default     = "s3cr3t-pass"
  sensitive   = true
  description = "Login and enable password."
}

locals {
  inventory = csvdecode(file("devices.csv"))
  edge      = { for d in local.inventory : d.name => d }
  port      = local.base + 22
  base      = 10000
}

credentials "lab" {
  username    = "cisco"
  password    = var.password
  enable      = var.password
  private_key = file("id_test")
}
