site = "file"
count = 3
