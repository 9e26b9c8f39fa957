device "r1" { # ERROR: The argument "host" is required
  port = 22
}
credentials "lab" { # ERROR: The argument "username" is required
  password = "x"
}
command "c" { # ERROR: needs commands (run at the privileged prompt) or configure
  devices = []
}
output "o" { # ERROR: The argument "value" is required
  description = "nothing"
}
