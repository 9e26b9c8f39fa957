locals {
  a = var.nope # ERROR: No input variable named "nope"
  b = local.nope # ERROR: No local value named "nope"
  c = foo.bar # ERROR: There is nothing named "foo"
  d = var # ERROR: must be followed by a name
}
device "r1" {
  host        = "10.0.0.1"
  credentials = credentials.nope # ERROR: Reference to undeclared credentials block
}
command "c" {
  devices  = [device.nope] # ERROR: No device block named "nope"
  commands = ["show clock"]
}
output "o" {
  value = command.nope.output # ERROR: Reference to undeclared command block
}
output "p" {
  value = device.r9 # ERROR: No device block named "r9"
}
