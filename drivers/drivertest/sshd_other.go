//go:build !unix

package drivertest

import (
	"os"
	"syscall"
)

// StartSSHD skips the test before these are reached.
const sshdSupported = false

func sshdProcAttr() *syscall.SysProcAttr { return nil }

func killTree(pid int) {
	if p, err := os.FindProcess(pid); err == nil {
		p.Kill()
	}
}
