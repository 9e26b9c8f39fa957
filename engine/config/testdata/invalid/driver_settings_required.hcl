device "h1" { # ERROR: The argument "token" is required by the driver "fake", but no definition was found. token: API token
  host   = "10.0.0.1"
  driver = "fake"
}
device "h2" {
  host   = "10.0.0.2"
  driver = "fake"
  token  = null # ERROR: The argument "token" is required by the driver "fake" and must not be null
}
