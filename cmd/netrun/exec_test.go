package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/netrun/netrun/engine"
)

// netrun exec runs ad-hoc commands over the runbook's inventory, as a real
// process over the in-process simulator.

// execOK runs netrun exec with args as a process in dir and stops the test
// unless it succeeds.
func execOK(t *testing.T, dir string, args ...string) (stdout, stderr string) {
	t.Helper()
	code, stdout, stderr := runIn(t, dir, append([]string{"exec"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	return stdout, stderr
}

func TestExecLimitOneDevice(t *testing.T) {
	t.Parallel()
	dir := copyExample(t, "show-clock")
	stdout, stderr := execOK(t, dir, "-sim", "-limit", "r1", "show version")
	for _, want := range []string{"r1 (", "r1# show version", "r1 uptime is", "Exec complete: 1 succeeded, 0 failed"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	for _, other := range []string{"r2", "r3"} {
		if strings.Contains(stdout, other) || strings.Contains(stderr, other) {
			t.Errorf("%s ran, but -limit selected r1 only:\nstdout:\n%s\nstderr:\n%s", other, stdout, stderr)
		}
	}
	// The same progress as apply: the textbook lines, and a line per
	// device as it finishes.
	if !strings.Contains(stderr, "===>") || !strings.Contains(stderr, "r1: ok (") {
		t.Errorf("no progress lines on stderr:\n%s", stderr)
	}
	// exec is not part of the runbook: it leaves no state behind.
	for _, f := range []string{"netrun.state.json", ".netrun"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("exec wrote %s", f)
		}
	}
}

func TestExecTwoCommandsNaturalOrder(t *testing.T) {
	t.Parallel()
	devices := ""
	for _, n := range []string{"r10", "r2", "r1", "core"} {
		devices += `device "` + n + `" {
  host        = "10.0.0.1"
  credentials = credentials.lab
}
`
	}
	dir := runbookDir(t, labCredentials+devices+`
command "never" {
  commands = ["show running-config"]
}
`)
	stdout, _ := execOK(t, dir, "-sim", "-limit", "r*", "show version", "show clock")
	heads := regexp.MustCompile(`(?m)^(\S+) \(`).FindAllStringSubmatch(stdout, -1)
	var order []string
	for _, h := range heads {
		order = append(order, h[1])
	}
	if got := strings.Join(order, ","); got != "r1,r2,r10" {
		t.Errorf("devices in order %s, want r1,r2,r10:\n%s", got, stdout)
	}
	for _, want := range []string{"r10# show version", "r10# show clock", "Exec complete: 3 succeeded, 0 failed"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "show running-config") || strings.Contains(stdout, "core") {
		t.Errorf("exec ran the runbook's blocks or an unselected device:\n%s", stdout)
	}
}

func TestExecUnknownDevice(t *testing.T) {
	t.Parallel()
	dir := copyExample(t, "show-clock")
	code, stdout, stderr := runIn(t, dir, "exec", "-sim", "-limit", "r9", "show version")
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "r9") || strings.Contains(stderr, "===>") {
		t.Errorf("want an error naming r9 before any device is contacted:\n%s", stderr)
	}
	// A term that matches nothing beside one that does is a warning, as
	// for plan and apply.
	code, stdout, stderr = runIn(t, dir, "exec", "-sim", "-limit", "r1,r9", "show version")
	if code != 0 || !strings.Contains(stdout+stderr, "r9") || strings.Contains(stdout, "r2 (") {
		t.Errorf("exit %d, want r1 alone and a warning naming r9\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

func TestExecJSON(t *testing.T) {
	t.Parallel()
	stdout, _ := execOK(t, copyExample(t, "show-clock"), "-sim", "-json", "-limit", "r2,r3", "show clock")
	var names []string
	for _, e := range ofType(parseStream(t, stdout), "device_complete") {
		var d engine.DeviceResult
		if err := json.Unmarshal(e.Device, &d); err != nil {
			t.Fatal(err)
		}
		names = append(names, d.Name)
		if d.Status != engine.OK || len(d.Steps) != 1 || len(d.Steps[0].Results) != 1 || d.Steps[0].Results[0].Command != "show clock" {
			t.Errorf("%s: %+v", d.Name, d)
		}
	}
	slices.Sort(names)
	if strings.Join(names, ",") != "r2,r3" {
		t.Errorf("devices %v, want r2,r3", names)
	}
}
