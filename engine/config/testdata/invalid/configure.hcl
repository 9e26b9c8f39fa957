# A load error: evaluation, and so the other configure checks, never runs.
command "both" {
  commands  = ["show clock"]
  configure = ["ntp server 10.0.0.1"] # ERROR: Both commands and configure
}
