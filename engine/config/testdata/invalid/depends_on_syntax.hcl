command "a" {
  commands = ["show clock"]
  depends_on = [
    "a", # ERROR: depends_on lists references to command blocks
    device.r1, # ERROR: Only command and config blocks can be listed
    command, # ERROR: Only command and config blocks can be listed
    command.a.output, # ERROR: Only command and config blocks can be listed
  ]
}
command "b" {
  commands   = ["x"]
  depends_on = command.a # ERROR: A static list expression is required
}
