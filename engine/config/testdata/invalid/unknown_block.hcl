resource "x" "y" {} # ERROR: Unsupported block type
nonsense = 1 # ERROR: Unsupported argument
