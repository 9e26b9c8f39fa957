command "a" {
  commands = ["show clock"]
  depends_on = [
    "a", # ERROR: depends_on lists references to command blocks
    device.r1, # ERROR: Only command blocks can be listed in depends_on
    command, # ERROR: Only command blocks can be listed in depends_on
    command.a.output, # ERROR: Only command blocks can be listed in depends_on
  ]
}
command "b" {
  commands   = ["x"]
  depends_on = command.a # ERROR: A static list expression is required
}
