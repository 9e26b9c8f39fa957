device "r1" {
  host         = "h"
  credentials  = credentials.c
  output_limit = "16 megabytes" # ERROR: Invalid size
}
device "r2" {
  host         = "h"
  credentials  = credentials.c
  output_limit = "2GiB" # ERROR: Invalid size
  sim {
    flood = { "show log" = "forever" } # ERROR: Invalid size
  }
}
command "a" {
  commands     = ["show version"]
  output_limit = "0MiB" # ERROR: Invalid size
}
credentials "c" {
  username = "u"
  password = "p"
}
