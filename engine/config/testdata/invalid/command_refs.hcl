device "r1" {
  host = "10.0.0.1"
}
command "a" {
  commands = ["show clock"]
}
command "b" {
  commands   = [command.a.output["r1"]] # ERROR: use depends_on
  depends_on = [command.a]
}
command "c" {
  devices  = ["r1", "r9"] # ERROR: There is no device named "r9"
  commands = ["show clock"]
}
command "d" {
  devices  = [{ name = "r1" }] # ERROR: devices must list devices
  commands = ["show clock"]
}
