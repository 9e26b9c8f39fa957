credentials "c" {
  username = "u"
}

defaults {
  credentials = credentials.c
  timeout     = "0s" # ERROR: A timeout must be positive
}

group "eos" {
  platform = "arista_eoss" # ERROR: There is no platform named "arista_eoss"
  tags     = "core"        # ERROR: Inappropriate value for attribute "tags"
}

group "unused" {
  credentials = credentials.missing # ERROR: No credentials block named "missing"
  via         = jump_host.nowhere   # ERROR: No jump_host block named "nowhere"
}

device "a" {
  host   = "a.example"
  groups = [group.eos, group.nope] # ERROR: No group block named "nope"
}

device "b" {
  host   = "b.example"
  groups = [group.eos]
}
