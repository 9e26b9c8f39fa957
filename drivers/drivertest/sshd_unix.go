//go:build unix

package drivertest

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

const sshdSupported = true

// sshdProcAttr puts sshd in a process group of its own, so that stopping
// it cannot signal the test.
func sshdProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// killTree kills pid's process group and every process descended from pid.
// Killing the group is not enough: sshd starts each connection in a new
// session (setsid), and a connection still open when the test ends would
// outlive it. The tree is collected before anything is killed, as a killed
// parent's children are re-parented and no longer found, and killed from
// the leaves up, each waited for until its parent has reaped it, so that
// none is left a zombie for PID 1 to collect.
func killTree(pid int) {
	tree := descendants(pid)
	for i := len(tree) - 1; i >= 0; i-- {
		syscall.Kill(tree[i], syscall.SIGKILL)
		waitReaped(tree[i])
	}
	syscall.Kill(-pid, syscall.SIGKILL)
}

// waitReaped waits up to a second for process p to be gone from /proc.
func waitReaped(p int) {
	dir := filepath.Join("/proc", strconv.Itoa(p))
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if _, err := os.Stat(dir); err != nil {
			return
		}
	}
}

// descendants lists the processes descended from pid, from /proc (empty
// where there is none: the process group kill is all there is then).
func descendants(pid int) []int {
	ps, _ := Processes()
	children := map[int][]int{}
	for _, p := range ps {
		children[p.PPID] = append(children[p.PPID], p.PID)
	}
	var out []int
	for queue := children[pid]; len(queue) > 0; {
		p := queue[0]
		queue = append(queue[1:], children[p]...)
		out = append(out, p)
	}
	return out
}
