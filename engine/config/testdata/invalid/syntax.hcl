device "r1" {
  host = # ERROR: Invalid expression
}
