device "r1" {
  host                   = ["10.0.0.1"] # ERROR: Inappropriate value for attribute "host": string required
  port                   = "ssh" # ERROR: Inappropriate value for attribute "port": a number is required
  tags                   = "core" # ERROR: list of string required
  insecure_skip_host_key = "maybe" # ERROR: a bool is required
}
device "r2" {
  host = "10.0.0.2"
  port = 22.5 # ERROR: port must be a whole number
}
device "r3" {
  host = "10.0.0.3"
  port = 70000 # ERROR: between 1 and 65535
  sim {
    page_length = -1 # ERROR: must not be negative
    hang_on     = "show tech" # ERROR: list of string required
  }
}
command "c" {
  commands = "show clock" # ERROR: list of string required
}
command "empty" {
  commands = [] # ERROR: at least one command
}
