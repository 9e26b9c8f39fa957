package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// maxRSS is the bound on netrun's peak memory (the simulators included:
// -sim serves them in-process) whatever a device sends.
const maxRSS = 200 << 20

// TestOutputLimit: a device that prints endlessly fails with the limit
// named while the others succeed, and netrun's peak RSS stays under 200 MB;
// a 20 MiB output under a 32 MiB limit is kept and stored once. Each mode
// runs the real binary, so the peak is the process's own (getrusage).
func TestOutputLimit(t *testing.T) {
	for _, mode := range []string{"goroutine", "subprocess"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			dir := runbookDir(t, labLogin+`
device "r1" {
  host        = "192.0.2.1"
  credentials = credentials.lab
}
device "floods" {
  host        = "192.0.2.2"
  credentials = credentials.lab
  timeout     = "5m"
  sim { flood = { "show version" = "endless" } }
}
device "big" {
  host         = "192.0.2.3"
  credentials  = credentials.lab
  output_limit = "32MiB"
  sim { flood = { "show version" = "20MiB" } }
}
command "log" {
  commands = ["show version"]
}
`)
			cmd := exec.Command(os.Args[0], "apply", "-sim", "-auto-approve", "-mode="+mode, dir)
			cmd.Env = append(os.Environ(), "NETRUN_TEST_AS_MAIN=1")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if code := cmd.ProcessState.ExitCode(); code != 1 {
				t.Fatalf("apply: %v, want exit 1\nstdout:\n%s\nstderr:\n%s", err, tail(stdout.String()), stderr.String())
			}
			rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10 // KiB on Linux
			t.Logf("peak RSS %d MiB", rss>>20)
			if rss > maxRSS {
				t.Errorf("peak RSS %d MiB, want under %d MiB", rss>>20, maxRSS>>20)
			}
			out := tail(stdout.String()) + stderr.String()
			if want := `floods: output of command "show version" exceeded 16 MiB`; !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
			if !strings.Contains(stdout.String(), "2 succeeded, 1 failed") {
				t.Errorf("want r1 and big to succeed:\n%s", tail(stdout.String()))
			}

			path := filepath.Join(dir, "netrun.state.json")
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if info.Size() > 30<<20 {
				t.Errorf("state file is %d MiB for one 20 MiB output", info.Size()>>20)
			}
			var st struct {
				Devices map[string]struct {
					Status, Error string
					Commands      map[string]struct {
						Results []struct{ Output string }
					}
				}
			}
			data, _ := os.ReadFile(path)
			if err := json.Unmarshal(data, &st); err != nil {
				t.Fatal(err)
			}
			if d := st.Devices["floods"]; d.Status != "failed" || !strings.Contains(d.Error, "exceeded 16 MiB") {
				t.Errorf("floods in state: %s %q", d.Status, d.Error)
			}
			if r := st.Devices["big"].Commands["command.log"].Results; len(r) != 1 || len(r[0].Output) < 18<<20 {
				t.Errorf("big's output not kept whole in state")
			}
		})
	}
}

// tail is the end of a long output, for messages.
func tail(s string) string { return s[max(0, len(s)-2000):] }
