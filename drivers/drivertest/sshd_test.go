package drivertest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/drivertest"
	"github.com/netrun/netrun/drivers/scrapli"
	"github.com/netrun/netrun/drivers/sshraw"
)

var bothDrivers = map[string]func(testing.TB) drivers.Driver{
	"ssh":     drivertest.NewDriver(sshraw.New),
	"scrapli": drivertest.NewDriver(scrapli.New),
}

// TestShellCLI: behind a real OpenSSH, a login shell that is not a network
// CLI (a bash script as ForceCommand, on the PTY sshd allocates, which
// turns LF into CRLF as a device's does) is driven by both drivers: login
// at its prompt, the on-open commands, commands answered and rejected.
func TestShellCLI(t *testing.T) {
	t.Parallel()
	s, key := drivertest.StartSSHDCLI(t)
	for name, newDriver := range bothDrivers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var tr drivers.SyncWriter
			tg := s.Target(key)
			tg.Transcript = &tr
			sess := drivertest.MustOpen(t, newDriver(t), tg)
			for _, cmd := range []string{"show clock", "show version", "show clock"} {
				if res := drivertest.MustRun(t, sess, cmd); res.Failed || res.Output != drivertest.CLIOutputs[cmd] {
					t.Errorf("%s: got %+v, want output %q", cmd, res, drivertest.CLIOutputs[cmd])
				}
			}
			res := drivertest.MustRun(t, sess, "show interfaces")
			if !res.Failed || !strings.Contains(res.Output, "% Invalid input") {
				t.Errorf("show interfaces: got %+v, want a failed result with the CLI's text", res)
			}
			if err := sess.Close(); err != nil {
				t.Fatal(err)
			}
			// The PTY carried it all: the on-open commands were sent and
			// echoed, and lines end in CRLF.
			for _, want := range []string{"terminal length 0\r\n", "show clock\r\n" + drivertest.CLIOutputs["show clock"] + "\r\nr1#"} {
				if !strings.Contains(tr.String(), want) {
					t.Errorf("transcript lacks %q:\n%s", want, tr.String())
				}
			}
		})
	}
}

// TestSSHDStops: the server and the shell it started are gone when the
// test that started sshd ends, even with the session still open.
func TestSSHDStops(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc to see processes")
	}
	var pids []string
	var sess drivers.Session
	t.Run("server", func(t *testing.T) {
		s, key := drivertest.StartSSHDCLI(t)
		var err error
		sess, err = drivertest.NewDriver(sshraw.New)(t).Open(t.Context(), s.Target(key))
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(s.Dir, "sshd.pid"))
		if err != nil {
			t.Fatal(err)
		}
		pids = []string{strings.TrimSpace(string(data)), drivertest.MustRun(t, sess, "show pid").Output}
	})
	if sess != nil {
		defer sess.Close()
	}
	for _, pid := range pids {
		// A zombie is gone too: its parent was killed, and PID 1 of a
		// container may never reap it.
		if stat, err := os.ReadFile("/proc/" + pid + "/stat"); err == nil && !strings.Contains(string(stat), ") Z ") {
			t.Errorf("process %s still runs after the test that started sshd ended: %s", pid, stat)
		}
	}
}
