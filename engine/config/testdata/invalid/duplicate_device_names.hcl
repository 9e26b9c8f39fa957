device "r1" {
  host = "10.0.0.1"
}
device "r" {
  for_each = toset(["r1", "r2"]) # ERROR: device.r["r1"] is named "r1", like device.r1
  host     = "${each.key}.lab"
}
