defaults {
  platfrom = "cisco_iosxe" # ERROR: Did you mean "platform"?
}

defaults { # ERROR: Only one defaults block is allowed
  timeout = "10s"
}

group "g" {
  host     = "g.example"  # ERROR: host is set per device
  host_key = "SHA256:abc" # ERROR: host_key is set per device
  groups   = [group.h]    # ERROR: A group cannot include other groups
  tgas     = ["x"]        # ERROR: Did you mean "tags"?
}

group "g" { # ERROR: A group block named "g" was already declared
}

device "d" {
  host   = "d.example"
  groups = group.g # ERROR: groups is a list of group references
}

device "e" {
  host   = "e.example"
  groups = [credentials.c] # ERROR: groups is a list of group references
}
