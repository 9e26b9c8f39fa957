variable "secret" {
  type      = string
  default   = "hunter2-do-not-show"
  sensitive = true
}
command "a" {
  commands = ["copy run start"]
  expect = {
    "\\[confirm\\]" = "y"
    "([a-"          = "n" # ERROR: An expect prompt is a regular expression
    ""              = "x" # ERROR: it must not be empty
    "\\[confirm\\]" = "again" # ERROR: Duplicate expect prompt
    "ok"            = ["list"] # ERROR: string required
    (var.secret)    = "x" # ERROR: cannot be sensitive
  }
}
command "b" {
  commands = ["x"]
  expect   = ["\\[confirm\\]", "y"] # ERROR: map of string required
}
command "c" {
  commands = ["x"]
  expect   = { "x" = local.nope } # ERROR: No local value named "nope"
}
