locals {
  inventory = yamldecode(file("inventory.yaml"))
}

device "leaf" {
  for_each = { for d in local.inventory.devices : d.name => d }
  host     = each.value.host
  port     = try(each.value.port, 22)
  tags     = each.value.tags
}

device "spine" {
  for_each = toset(["s2", "s1"])
  host     = "${each.key}.lab.example"
  prompt   = templatefile("prompt.tmpl", { name = each.key })
}

command "banner" {
  devices  = concat(values(device.leaf), [for s in device.spine : s if contains(s.tags, "none") == false])
  commands = [upper("show banner"), format("show run | i %s", "hostname")]
}
