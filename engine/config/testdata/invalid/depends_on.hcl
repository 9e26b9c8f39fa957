command "a" {
  commands   = ["show clock"]
  depends_on = [
    command.nope, # ERROR: No command block named "nope"
    command.a, # ERROR: cannot depend on itself
  ]
}
