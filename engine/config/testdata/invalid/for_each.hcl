variable "names" {
  type      = set(string)
  default   = ["a"]
  sensitive = true
}
device "list" {
  for_each = ["a", "b"] # ERROR: not a list
  host     = each.key
}
device "secret" {
  for_each = var.names # ERROR: Sensitive values cannot be used in for_each
  host     = each.key
}
device "numbers" {
  for_each = toset([1, 2]) # ERROR: must be a set of strings
  host     = each.key
}
device "nulls" {
  for_each = null # ERROR: The for_each value is null
  host     = "x"
}
device "each" {
  host = each.key # ERROR: each.key and each.value can only be used
}
device "bad_each" {
  for_each = { a = 1 }
  host     = each.name # ERROR: each has only the attributes key and value
}
device "self" {
  for_each = { a = each.key } # ERROR: outside for_each
  host     = "x"
}
