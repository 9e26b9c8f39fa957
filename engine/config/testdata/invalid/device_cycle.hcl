device "a" { # ERROR: device.a -> device.b -> device.a
  host = device.b.host
}
device "b" {
  host = device.a.host
}
