//go:build race

package main

// raceEnabled: the race detector multiplies a process's memory, so tests
// that bound netrun's memory measure a binary built without it.
const raceEnabled = true
