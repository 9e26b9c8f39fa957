credentials "c" {
  username = "u"
  password = "p"
}
device "r1" {
  host        = "h"
  credentials = credentials.c
}
command "empty" {
  configure = [] # ERROR: No configure
}
command "c" {
  configure = [local.nope] # ERROR: Reference to undeclared local value
}
