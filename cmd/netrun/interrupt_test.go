package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netrun/netrun/drivers/drivertest"
)

// Tests of what a real netrun process does when its run is cut short: a
// reader that goes away, a second Ctrl-C, a re-run interrupted after a full
// apply, an output that cannot be saved.

// TestApplyBrokenPipe is `netrun apply | head -3`: stdout is a real pipe
// whose reader goes away after three lines, while netrun still has to
// write (here: once approved). netrun does not die of SIGPIPE holding the
// lock: it finishes the run, records the state and exits 1; the next apply
// runs without force-unlock.
func TestApplyBrokenPipe(t *testing.T) {
	t.Parallel()
	dir := copyExample(t, "show-clock")
	out, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := netrunProcess("apply", "-sim", dir)
	cmd.Stdout = w
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close() // the child's copy is the only writer
	// head -3: read three lines, then go away. netrun waits at the prompt
	// meanwhile, so everything it writes after "yes" meets a closed pipe.
	r := bufio.NewReader(out)
	for range 3 {
		if _, err := r.ReadString('\n'); err != nil {
			t.Fatal(err)
		}
	}
	out.Close()
	if _, err := io.WriteString(stdin, "yes\n"); err != nil {
		t.Fatal(err)
	}
	stdin.Close()
	if code := waitExit(t, cmd, 60*time.Second); code != 1 {
		t.Fatalf("apply into a closed pipe: exit %d, want 1 (not killed by SIGPIPE)\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "broken pipe") {
		t.Errorf("stderr does not say the output was cut:\n%s", stderr.String())
	}
	var st struct {
		Devices map[string]struct{ Status string }
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "netrun.state.json"))), &st); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"r1", "r2", "r3"} {
		if st.Devices[name].Status != "ok" {
			t.Errorf("the run did not finish: %+v", st.Devices)
		}
	}
	if code, out, errOut := netrun(t, "", "apply", "-sim", "-auto-approve", dir); code != 0 {
		t.Errorf("apply after a broken pipe: exit %d\n%s%s", code, out, errOut)
	}
}

// TestSecondInterruptExits: the first Ctrl-C asks the run to stop; a second
// one exits at once (status 130), whatever netrun is blocked on: here the
// approval prompt, reading a stdin that never ends.
func TestSecondInterruptExits(t *testing.T) {
	t.Parallel()
	dir := copyExample(t, "show-clock")
	// stdin stays open and empty: netrun waits at the prompt. Its stdout
	// and stderr share one pipe, read in order.
	in, keep, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer keep.Close()
	out, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := netrunProcess("apply", "-sim", dir)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = in, w, w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	in.Close()
	w.Close()
	r := bufio.NewReader(out)
	for {
		line, err := r.ReadString(':')
		if err != nil {
			t.Fatalf("no prompt: %v", err)
		}
		if strings.HasSuffix(line, "Enter a value:") {
			break
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	// Two signals sent at once may arrive as one: send the second once
	// netrun says it has taken the first (or after a while, if it never
	// says so).
	took := make(chan struct{})
	go func() {
		scanUntil(bufio.NewScanner(r), "interrupt again")
		close(took)
		_, _ = io.Copy(io.Discard, r)
	}()
	select {
	case <-took:
	case <-time.After(5 * time.Second):
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, cmd, 20*time.Second); code != 130 {
		t.Errorf("exit %d after a second Ctrl-C, want 130", code)
	}
}

// TestInterruptKeepsEarlierResults: after a full apply, a re-run
// interrupted while one device hangs changes only the devices that ran; the
// ones it never reached keep their last result, marked stale, and the
// outputs still show them.
func TestInterruptKeepsEarlierResults(t *testing.T) {
	t.Parallel()
	dir := runbookDir(t, fastAndSlow(false)+`
device "later1" {
  host        = "192.0.2.3"
  credentials = credentials.lab
}
device "later2" {
  host        = "192.0.2.4"
  credentials = credentials.lab
}
command "first" {
  devices  = [device.fast]
  commands = ["show clock"]
}
command "tech" {
  devices    = [device.slow]
  commands   = [var.hang ? "show tech-support" : "show version"]
  depends_on = [command.first]
}
command "last" {
  devices    = [device.later1, device.later2]
  commands   = ["show clock"]
  depends_on = [command.tech]
}
output "last" { value = command.last.output }
`)
	applyExpect(t, 0, "-sim", "-auto-approve", dir)
	type deviceState struct {
		Status     string
		Stale      bool
		Unfinished bool
		Started    time.Time
	}
	type stateFile struct {
		Devices map[string]deviceState
	}
	readState := func() stateFile {
		var st stateFile
		if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "netrun.state.json"))), &st); err != nil {
			t.Fatal(err)
		}
		// The times are in the run log, not the state file.
		var times stateFile
		if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, ".netrun", "runs", "last.json"))), &times); err != nil {
			t.Fatal(err)
		}
		for name, d := range st.Devices {
			d.Started = times.Devices[name].Started
			st.Devices[name] = d
		}
		return st
	}
	before := readState()

	transcripts := t.TempDir()
	cmd, stderr := startNetrun(t, nil, "apply", "-sim", "-auto-approve", "-var", "hang=true", "-transcript-dir", transcripts, dir)
	go func() { _, _ = io.Copy(io.Discard, stderr) }()
	// Interrupt once slow hangs in its step: fast has run, later1 and
	// later2 wait on slow.
	drivertest.WaitFor(t, 20*time.Second, func() bool {
		return strings.Contains(readIfExists(filepath.Join(transcripts, "slow.log")), ">>> show tech-support")
	})
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, cmd, 20*time.Second); code != 1 {
		t.Errorf("interrupted apply: exit %d, want 1", code)
	}
	after := readState()
	// Outputs are read as users read them: the state may hold an output as
	// a reference to the devices' results.
	code, stdout, stderr2 := netrun(t, "", "-chdir="+dir, "output", "-json")
	var outputs map[string]map[string]string
	if err := json.Unmarshal([]byte(stdout), &outputs); code != 0 || err != nil {
		t.Fatalf("output -json: exit %d, %v\n%s%s", code, err, stdout, stderr2)
	}
	if d := after.Devices["fast"]; d.Status != "ok" || d.Stale || !d.Started.After(before.Devices["fast"].Started) {
		t.Errorf("fast ran again: %+v, before %+v", d, before.Devices["fast"])
	}
	if d := after.Devices["slow"]; d.Status != "cancelled" || d.Stale {
		t.Errorf("slow was cancelled mid-step: %+v", d)
	}
	for _, name := range []string{"later1", "later2"} {
		d, was := after.Devices[name], before.Devices[name]
		if d.Status != "ok" || !d.Stale || !d.Unfinished || !d.Started.Equal(was.Started) {
			t.Errorf("%s did not run: it keeps its earlier result, marked stale: %+v, before %+v", name, d, was)
		}
		if !strings.Contains(outputs["last"][name], "UTC") {
			t.Errorf("%s's earlier output is lost: %+v", name, outputs)
		}
	}
}

// TestUnserialisableOutput: output { value = 1/0 } (infinity has no JSON)
// is a diagnostic at that output's line; the device results, the summary
// and the other outputs still print and are saved, and no temporary file
// is left.
func TestUnserialisableOutput(t *testing.T) {
	t.Parallel()
	dir := runbookDir(t, labLogin+`
device "r1" {
  host        = "192.0.2.1"
  credentials = credentials.lab
}
command "clock" {
  commands = ["show clock"]
}
output "infinite" {
  value = 1/0
}
output "clock" {
  value = command.clock.output
}
`)
	cmd := netrunProcess("apply", "-sim", "-auto-approve", dir)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	var exit *exec.ExitError
	if err := cmd.Run(); !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Errorf("exit %v, want status 1", err)
	}
	if !strings.Contains(stderr.String(), `main.hcl:15`) || !strings.Contains(stderr.String(), "infinite") {
		t.Errorf("no diagnostic at the output's line:\n%s", stderr.String())
	}
	if !strings.Contains(stdout.String(), "r1 (192.0.2.1): ok") || !strings.Contains(stdout.String(), "Apply complete: 1 succeeded") {
		t.Errorf("results or summary missing:\n%s", stdout.String())
	}
	var st struct {
		Devices map[string]struct{ Status string }
		Outputs map[string]json.RawMessage
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "netrun.state.json"))), &st); err != nil {
		t.Fatal(err)
	}
	if st.Devices["r1"].Status != "ok" || st.Outputs["clock"] == nil {
		t.Errorf("state lost the results: %+v", st)
	}
	if _, ok := st.Outputs["infinite"]; ok {
		t.Errorf("the unserialisable output was saved: %s", st.Outputs["infinite"])
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("stray temporary file %s", e.Name())
		}
	}
}
