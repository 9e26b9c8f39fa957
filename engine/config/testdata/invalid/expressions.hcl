device "r1" {
  host   = nosuch("x") # ERROR: There is no function named "nosuch"
  prompt = "([" # ERROR: The prompt must be a regular expression
}
device "r2" {
  host = file("missing.txt") # ERROR: no file exists at "missing.txt"
}
device "r3" {
  host = templatefile("missing.tmpl", {}) # ERROR: no file exists
}
device "r4" {
  host = path.cwd # ERROR: path has only the attribute root
}
device "r5" {
  host        = "x"
  credentials = "lab" # ERROR: credentials must refer to a credentials block
}
credentials "c" {
  username = "" # ERROR: must not be empty
}
