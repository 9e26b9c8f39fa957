command "c" {
  commands = ["x"]
}
output "o" {
  value = command.c.outptu # ERROR: This object does not have an attribute named "outptu"
}
output "p" {
  value = command.c.output + 1 # ERROR: Unsuitable value for left operand
}
