credentials "c" {
  username = "u"
  password = "p"
}
device "r1" {
  host     = "10.0.0.1"
  host_key = "ssh-ed25519 AAAAnope" # ERROR: is neither a public key
  ssh {
    key_exchanges = ["diffie-hellman-group1-sha1", "diffie-hellman-group99-sha1"] # ERROR: There is no SSH key exchange named "diffie-hellman-group99-sha1"
    ciphers       = ["ssh-rsa"] # ERROR: There is no SSH cipher named "ssh-rsa"
    macs          = "hmac-sha1" # ERROR: list of string required
  }
}
device "r2" {
  host     = "10.0.0.2"
  host_key = "SHA256:tooShort" # ERROR: is not a SHA256 fingerprint
  ssh {
    host_key_algorithms = ["ssh-dsa"] # ERROR: There is no SSH host key algorithm named "ssh-dsa"
  }
}
device "r3" {
  host                   = "10.0.0.3"
  host_key               = "SHA256:cUyP3BRiSVcmf27O1YfieBYrvmMLT3KE7qga14vch1E"
  insecure_skip_host_key = true # ERROR: keep one
}
device "r4" {
  host     = "10.0.0.4"
  host_key = [] # ERROR: at least one key or fingerprint
  via      = jump_host.nope # ERROR: No jump_host block named "nope"
}
device "r7" {
  host     = "10.0.0.7"
  host_key = { a = 1 } # ERROR: host_key must be a string or a list of strings
}
