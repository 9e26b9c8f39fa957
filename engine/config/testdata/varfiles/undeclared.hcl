nosuch = "x"
