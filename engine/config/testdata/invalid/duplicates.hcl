device "r1" {
  host = "10.0.0.1"
}
device "r1" { # ERROR: A device block named "r1" was already declared
  host = "10.0.0.2"
}
variable "v" {}
variable "v" {} # ERROR: Duplicate variable block
credentials "c" { username = "a" }
credentials "c" { username = "b" } # ERROR: Duplicate credentials block
command "c" { commands = ["x"] }
command "c" { commands = ["y"] } # ERROR: Duplicate command block
output "o" { value = 1 }
output "o" { value = 2 } # ERROR: Duplicate output block
locals { a = 1 }
locals {
  a = 2 # ERROR: Duplicate local value definition
}
netrun {}
netrun {} # ERROR: Only one netrun block is allowed
