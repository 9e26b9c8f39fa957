// Command not-a-plugin is a test executable that is no plugin at all.
package main

import "fmt"

func main() { fmt.Println("hello, I am not a plugin") }
