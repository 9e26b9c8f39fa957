credentials "c" {
  username = "u"
  password = "p"
}
device "r1" {
  host        = "h"
  credentials = credentials.c
}
command "both" {
  commands  = ["show clock"]
  configure = ["ntp server 10.0.0.1"] # ERROR: Both commands and configure
}
