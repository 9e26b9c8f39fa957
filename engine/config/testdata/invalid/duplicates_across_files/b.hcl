device "r1" { # ERROR: already declared at
  host = "10.0.0.2"
}
