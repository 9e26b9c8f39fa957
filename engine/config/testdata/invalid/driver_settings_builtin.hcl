# Attributes netrun does not know are errors for drivers that declare no
# settings of their own: the built-in ones, and unknown ones.
device "r1" {
  host = "10.0.0.1"
  hots = "10.0.0.2" # ERROR: The driver "ssh" takes no settings of its own
  shell = "/bin/sh" # ERROR: An argument named "shell" is not expected here
}
device "r2" {
  host   = "10.0.0.2"
  driver = "scrapli"
  prot   = 22 # ERROR: Did you mean "port"?
}
device "r3" {
  host   = "10.0.0.3"
  driver = "nosuch" # ERROR: Unknown driver
  sudo   = true # ERROR: The driver "nosuch" takes no settings of its own
}
device "mixed" {
  for_each = { a = "ssh", b = "fake" }
  host     = "10.0.1.1"
  driver   = each.value
  token    = "t" # ERROR: The driver "ssh" takes no settings of its own
}
