device "h1" {
  host   = "10.0.0.1"
  driver = "fake"
  token  = "t"
  shel   = "/bin/bash" # ERROR: Did you mean "shell"?
  sudoo  = true # ERROR: the driver "fake" does not declare it. Did you mean "sudo"?
  prot   = 22 # ERROR: Did you mean "port"?
  zzz    = 1 # ERROR: An argument named "zzz" is not expected here: the driver "fake" does not declare it.
}
