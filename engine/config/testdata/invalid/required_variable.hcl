variable "password" { # ERROR: No value for required variable
  type = string
}
