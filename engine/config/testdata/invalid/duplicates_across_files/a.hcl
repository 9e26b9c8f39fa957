device "r1" {
  host = "10.0.0.1"
}
