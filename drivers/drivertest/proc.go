package drivertest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Process is one process of this machine as /proc shows it, for tests that
// check which processes netrun, its workers and plugins leave behind.
type Process struct {
	PID, PPID int
	Zombie    bool // exited, not yet reaped
	Cmdline   string
	Environ   string
}

// Processes lists this machine's processes; ok is false without /proc
// (not Linux), where such tests skip.
func Processes() (ps []Process, ok bool) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, false
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		i := strings.LastIndexByte(string(stat), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		environ, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		ps = append(ps, Process{PID: pid, PPID: ppid, Zombie: f[0] == "Z", Cmdline: string(cmdline), Environ: string(environ)})
	}
	return ps, true
}
