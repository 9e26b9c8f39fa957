credentials "c" {
  username = "u"
  password = "p"
}
device "r" {
  for_each    = toset(["ok1", "not ok"]) # ERROR: cannot be a device name
  host        = "h"
  credentials = credentials.c
}
