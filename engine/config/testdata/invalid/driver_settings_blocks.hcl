# Only attributes can be driver settings: a device has no blocks but ssh
# and sim, whatever its driver.
device "r1" {
  host   = "10.0.0.1"
  driver = "fake"
  token  = "t"
  shell { # ERROR: Blocks of type "shell" are not expected here.
  }
  ssh2 { # ERROR: Did you mean "ssh"?
  }
}
