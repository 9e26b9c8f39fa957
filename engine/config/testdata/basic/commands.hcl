command "clock" {
  devices  = values(device.edge)
  commands = ["show clock"]
  timeout  = "10s"
}

command "version" {
  devices    = [device.edge["e2"], device.r1]
  commands   = ["show version", "show inventory"]
  depends_on = [command.clock]
}

command "by_name" {
  devices    = ["e1", "r1", "e1"]
  commands   = ["show ip int brief"]
  depends_on = [command.clock, command.version]
}

command "everywhere" {
  commands = ["show users"]
}

output "clock" {
  value       = command.clock.output
  description = "Clock of every edge device."
}

output "version" {
  value = command.version.outputs
}

output "failed" {
  value = command.version.failed
}

output "summary" {
  value = { for name, out in command.version.output : name => length(split("\n", out)) }
}

output "password" {
  value     = var.password
  sensitive = true
}
