package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// maxRSS is the bound on netrun's peak memory (the simulators included:
// -sim serves them in-process) whatever a device sends.
const maxRSS = 200 << 20

// applyProcess runs netrun apply on dir as a process of its own and returns
// its exit code, streams and peak RSS (getrusage: the process's own peak).
func applyProcess(t *testing.T, dir string, args ...string) (code int, stdout, stderr string, rss int64) {
	t.Helper()
	cmd := exec.Command(measuredNetrun(t), append(append([]string{"apply", "-sim", "-auto-approve"}, args...), dir)...)
	cmd.Env = append(os.Environ(), "NETRUN_TEST_AS_MAIN=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil && cmd.ProcessState == nil {
		t.Fatal(err)
	}
	rss = cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10 // KiB on Linux
	return cmd.ProcessState.ExitCode(), out.String(), errb.String(), rss
}

var plainBuild struct {
	once sync.Once
	path string
	err  error
}

// measuredNetrun is the netrun whose memory is measured: this test binary
// (run as main), or under -race one built without the race detector, whose
// shadow memory would be measured instead of netrun's.
func measuredNetrun(t *testing.T) string {
	t.Helper()
	if !raceEnabled {
		return os.Args[0]
	}
	plainBuild.once.Do(func() {
		dir, err := os.MkdirTemp("", "netrun-plain-")
		if err != nil {
			plainBuild.err = err
			return
		}
		plainBuild.path = filepath.Join(dir, "netrun")
		out, err := exec.Command("go", "build", "-o", plainBuild.path, ".").CombinedOutput()
		if err != nil {
			plainBuild.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if plainBuild.err != nil {
		t.Fatal(plainBuild.err)
	}
	return plainBuild.path
}

// TestEndlessOutput: a device that prints endlessly fails with the limit
// named while the other succeeds, and netrun's peak RSS stays under 200 MB,
// in both execution modes.
func TestEndlessOutput(t *testing.T) {
	for _, mode := range []string{"goroutine", "subprocess"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			dir := runbookDir(t, labLogin+versionRunbook+
				floodDevice("r1", "", "")+
				floodDevice("floods", "endless", `timeout = "5m"`))
			code, stdout, stderr, rss := applyProcess(t, dir, "-mode="+mode)
			t.Logf("peak RSS %d MiB", rss>>20)
			if code != 1 {
				t.Fatalf("apply exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, tail(stdout), stderr)
			}
			if rss > maxRSS {
				t.Errorf("peak RSS %d MiB, want under %d MiB", rss>>20, maxRSS>>20)
			}
			if want := `floods: output of command "show version" exceeded 16 MiB`; !strings.Contains(stdout+stderr, want) {
				t.Errorf("output lacks %q:\n%s\n%s", want, tail(stdout), stderr)
			}
			if !strings.Contains(stdout, "1 succeeded, 1 failed") {
				t.Errorf("want r1 to succeed:\n%s", tail(stdout))
			}
		})
	}
}

// TestLargeOutputStoredOnce: a 20 MiB output under a raised limit
// (output_limit = "32MiB") is kept whole, and an output that is the
// command's output refers to the device's result in the state instead of
// storing it twice.
func TestLargeOutputStoredOnce(t *testing.T) {
	t.Parallel()
	dir := runbookDir(t, labLogin+versionRunbook+
		floodDevice("big", "20MiB", `output_limit = "32MiB"`)+
		`output "version" { value = command.version.output }`)
	code, stdout, stderr, rss := applyProcess(t, dir)
	t.Logf("peak RSS %d MiB", rss>>20)
	if code != 0 {
		t.Fatalf("apply exit %d\nstdout:\n%s\nstderr:\n%s", code, tail(stdout), stderr)
	}
	info, err := os.Stat(filepath.Join(dir, "netrun.state.json"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Size() > 30<<20 {
		t.Errorf("state file is %d MiB for one 20 MiB output: stored twice", info.Size()>>20)
	}
	code, out, errs := netrun(t, "", "-chdir="+dir, "output", "-json", "version")
	if code != 0 {
		t.Fatalf("output exit %d: %s", code, errs)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if n := len(got["big"]); n < 18<<20 {
		t.Errorf("output version.big is %d bytes, want the whole 20 MiB", n)
	}
}

// versionRunbook runs show version on every device.
const versionRunbook = `
command "version" {
  commands = ["show version"]
}
`

// floodDevice is a device whose simulator answers show version with size
// of output ("" for its usual answer), with attr added to the block.
func floodDevice(name, size, attr string) string {
	sim := ""
	if size != "" {
		sim = fmt.Sprintf(`sim { flood = { "show version" = %q } }`, size)
	}
	return fmt.Sprintf("device %q {\n  host = \"192.0.2.1\"\n  credentials = credentials.lab\n  %s\n  %s\n}\n", name, attr, sim)
}

// tail is the end of a long output, for messages.
func tail(s string) string { return s[max(0, len(s)-2000):] }
