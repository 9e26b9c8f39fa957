device "r1" {
  host                   = "10.0.0.1"
  port                   = local.port
  platform               = "cisco_iosxe"
  driver                 = "ssh"
  credentials            = credentials.lab
  tags                   = ["core"]
  prompt                 = "^r1[>#]$"
  timeout                = "30s"
  known_hosts            = "known_hosts"
  insecure_skip_host_key = false

  sim {
    password     = "other"
    latency      = "200ms"
    hang_on      = ["show tech"]
    drop_on      = []
    banner_delay = "1s"
    page_length  = 24
  }
}

device "edge" {
  for_each    = local.edge
  host        = each.value.host
  platform    = each.value.platform
  credentials = credentials.lab
  tags        = [each.key, "edge"]
}
