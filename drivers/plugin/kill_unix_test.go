//go:build unix

package plugin_test

import "syscall"

func syscallKill(pid int) { syscall.Kill(pid, syscall.SIGKILL) }
