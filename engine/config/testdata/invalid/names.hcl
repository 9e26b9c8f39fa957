device "r1" {
  host     = "10.0.0.1"
  platform = "cisco_ios_xe" # ERROR: There is no platform named "cisco_ios_xe"
  driver   = "telnet" # ERROR: There is no driver named "telnet"
}
