netrun {
  parallelism = 0 # ERROR: parallelism must be a positive whole number
}
