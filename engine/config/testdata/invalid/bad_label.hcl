device "1r" { # ERROR: Invalid device name
  host = "x"
}
command "a b" { # ERROR: Invalid command name
  commands = ["x"]
}
