credentials "c" { username = "u" }
jump_host "a" {
  host        = "a.example"
  credentials = credentials.c
  via         = jump_host.b # ERROR: jump_host.a -> jump_host.b -> jump_host.c -> jump_host.a
}
jump_host "b" {
  host        = "b.example"
  credentials = credentials.c
  via         = jump_host.c # the cycle goes on,
}
jump_host "c" {
  host        = "c.example"
  credentials = credentials.c
  via         = jump_host.a # and closes: reported once, at a
}
jump_host "self" {
  host        = "self.example"
  credentials = credentials.c
  via         = jump_host.self # ERROR: jump_host.self -> jump_host.self
}
jump_host "behind_cycle" {
  host        = "d.example"
  credentials = credentials.c
  via         = jump_host.a # reaches the cycle, is not in it: no error here
}
jump_host "missing" {
  host        = "m.example"
  credentials = credentials.c
  via         = jump_host.nowhere # ERROR: No jump_host block named "nowhere"
}
jump_host "nocreds" { # ERROR: A jump host needs credentials
  host = "n.example"
}
jump_host "bad" {
  host                   = "" # ERROR: A jump host needs a host name
  port                   = 0 # ERROR: between 1 and 65535
  credentials            = credentials.c
  timeout                = "later" # ERROR: Invalid duration
  insecure_skip_host_key = "no" # ERROR: a bool is required
  host_key               = "SHA256:x" # ERROR: not a SHA256 fingerprint
  ssh {
    macs = ["hmac-md5"] # ERROR: There is no SSH MAC named "hmac-md5"
  }
}
jump_host "badref" {
  host        = "x"
  credentials = credentials.nope # ERROR: Reference to undeclared credentials block
}
