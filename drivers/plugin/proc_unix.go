//go:build unix

package plugin

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts the process in a process group of its own, so that
// killing it also kills the children it started, and a Ctrl-C in the
// terminal reaches netrun only, which then closes its pools.
func setProcessGroup(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
}

func killProcessGroup(pid int) {
	syscall.Kill(-pid, syscall.SIGKILL)
}
