device "r2" {
  host = "10.0.0.2"
  ssh {}
  ssh {} # ERROR: Only one ssh block is allowed
}
device "r5" {
  host = "10.0.0.5"
  via  = "dc1" # ERROR: via refers to a jump_host block
}
device "r6" {
  host = "10.0.0.6"
  via  = device.r5 # ERROR: via refers to a jump_host block
}
device "r7" {
  host = "10.0.0.7"
  via  = jump_host.a.b # ERROR: via refers to a jump_host block
  ssh {
    cipher = ["aes128-cbc"] # ERROR: Unsupported argument
  }
}
jump_host "a" {
  host = "a"
  via  = jump_host # ERROR: via refers to a jump_host block
  ssh {}
  ssh {} # ERROR: Only one ssh block is allowed
}
jump_host "a" { # ERROR: A jump_host block named "a" was already declared
  host = "again"
}
jump_host "has_no_host" { # ERROR: The argument "host" is required
  port = 22
}
jump_host "1bad" { # ERROR: Invalid jump_host name
  host = "x"
}
