credentials "lab" {
  username = "lab"
  password = "lab-password"
}

credentials "core" {
  username = "core"
  password = "core-password"
}

jump_host "bastion" {
  host        = "bastion.example"
  credentials = credentials.lab
}

defaults {
  platform    = "cisco_nxos"
  credentials = credentials.lab
  timeout     = "30s"
  known_hosts = "known_hosts"
  tags        = ["managed"]
}

group "core" {
  platform    = "arista_eos"
  credentials = credentials.core
  port        = 2222
  tags        = ["core"]
}

group "dc1" {
  platform = "juniper_junos"
  driver   = "scrapli"
  via      = jump_host.bastion
  tags     = ["dc1", "core"]

  ssh {
    ciphers = ["aes128-cbc"]
  }
}

device "plain" {
  host = "plain.example"
}

device "core1" {
  host   = "core1.example"
  groups = [group.core]
}

device "core_dc1" {
  host   = "core-dc1.example"
  groups = [group.core, group.dc1]
}

device "dc1_core" {
  host   = "dc1-core.example"
  groups = [group.dc1, group.core]
}

device "override" {
  host     = "override.example"
  groups   = [group.core]
  platform = "cisco_iosxe"
  timeout  = "5s"
  port     = 22
  tags     = ["edge", "core"]
}

device "fleet" {
  for_each = toset(["f1", "f2"])
  host     = "${each.key}.example"
  groups   = [group.core]
}

config "motd" {
  devices = [device.plain, device.core1]
  text    = ["banner motd ^${self.name}^", "hostname ${self.name}"]
  absent  = ["ip http server", "ip http secure-server"]
}

config "mixed" {
  devices = [device.plain]
  text    = <<-EOT
    hostname plain
  EOT
}
