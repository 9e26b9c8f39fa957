locals {
  a = local.b + 1 # ERROR: local.a -> local.b -> local.c -> local.a
  b = local.c
  c = local.a
  d = local.a
  e = 1
}
device "r1" {
  host = "h${local.d}${local.e}"
}
locals {
  self = local.self # ERROR: local.self -> local.self
}
locals {
  # Named from the value declared first, not the smallest name.
  z = local.y # ERROR: local.z -> local.y -> local.z
  y = local.z
}
