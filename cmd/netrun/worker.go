package main

import (
	"io"
	"os"
	"os/exec"

	"github.com/netrun/netrun/drivers/plugin"
)

// workerCommand re-runs netrun as a subprocess-mode worker.
func workerCommand() *exec.Cmd {
	self, err := os.Executable()
	if err != nil {
		self = os.Args[0]
	}
	cmd := exec.Command(self, workerArg)
	// A worker runs one session at a time: one OS thread for Go code is
	// plenty, and many workers with a thread per core each only contend.
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	return cmd
}

// workerArg is the hidden command a worker process runs.
const workerArg = "__worker"

// runWorker serves the built-in drivers to the netrun process that started
// this one (subprocess mode).
func runWorker(stderr io.Writer) int {
	builtins, err := builtinDrivers()
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	plugin.ServeRegistry(version, builtins)
	return 0
}
