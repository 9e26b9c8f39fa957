device "r1" {
  host    = "10.0.0.1"
  timeout = "10 parsecs" # ERROR: not "10 parsecs"
  sim {
    latency      = "-1s" # ERROR: must be a duration
    banner_delay = 5 # ERROR: not "5"
  }
}
command "c" {
  commands = ["x"]
  timeout  = "soon" # ERROR: Invalid duration
}
command "zero" {
  commands = ["x"]
  timeout  = "0s" # ERROR: A timeout must be positive
}
config "zero" {
  text    = "x"
  timeout = "0ms" # ERROR: A timeout must be positive
}
credentials "bastion" {
  username = "u"
}
jump_host "zero" {
  host        = "10.0.0.9"
  credentials = credentials.bastion
  timeout     = "0s" # ERROR: A timeout must be positive
}
