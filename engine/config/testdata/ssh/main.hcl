variable "password" {
  type      = string
  default   = "b4stion-pass"
  sensitive = true
}

credentials "bastion" {
  username = "jump"
  password = var.password
}

credentials "lab" {
  username = "cisco"
  password = "lab-pass"
}

jump_host "dc1" {
  host        = "bastion.dc1.example"
  port        = 2222
  credentials = credentials.bastion
  known_hosts = "known_hosts"
  timeout     = "5s"
}

jump_host "inner" {
  host        = "10.1.0.1"
  credentials = credentials.bastion
  host_key    = "SHA256:cUyP3BRiSVcmf27O1YfieBYrvmMLT3KE7qga14vch1E"
  via         = jump_host.dc1
  ssh {
    ciphers = ["aes128-cbc"]
  }
}

device "old" {
  host        = "10.1.1.1"
  credentials = credentials.lab
  host_key    = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINxrTr9mAmkmf09A4P2opL4fk9pe4byYzkjT+X6jtjMh lab", "SHA256:cUyP3BRiSVcmf27O1YfieBYrvmMLT3KE7qga14vch1E"]
  via         = jump_host.inner
  ssh {
    key_exchanges       = ["diffie-hellman-group1-sha1"]
    ciphers             = ["aes128-cbc", "3des-cbc"]
    host_key_algorithms = ["ssh-rsa"]
    macs                = ["hmac-sha1"]
  }
}

device "leaf" {
  for_each    = toset(["l1", "l2"])
  host        = "${each.key}.dc1.example"
  credentials = credentials.lab
  via         = jump_host.dc1
}

command "save" {
  commands = ["copy running-config startup-config"]
  expect = {
    "Destination filename \\[startup-config\\]\\?" = ""
    "\\[confirm\\]"                                 = "y"
    "Password:"                                     = var.password
    plain_word                                      = "yes"
  }
}

command "from_local" {
  commands = ["reload in 5"]
  expect   = local.answers
}

locals {
  answers = { "\\[confirm\\]" = "y", "Save\\?" = "no" }
}
