package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// Tests of how a run shows itself as it goes: a line per device as it
// finishes in a log, a live counter on a terminal, colour, natural order and
// warnings once per cause.

// TestApplyStreamsDeviceLines reads a real netrun's stderr while the run is
// still going: fast's line (and error) arrives while slow still hangs on
// its command, so lines come as devices finish, not at the end.
func TestApplyStreamsDeviceLines(t *testing.T) {
	t.Parallel()
	// The simulators know no show tech-support: fast rejects it at once.
	dir := runbookDir(t, fastAndSlow(true)+`
command "tech" { commands = ["show tech-support"] }
`)
	cmd, stderr := startNetrun(t, nil, "apply", "-sim", "-auto-approve", dir)
	sc := bufio.NewScanner(stderr)
	seen := scanUntil(sc, "fast: ")
	if last := seen[len(seen)-1]; !strings.HasPrefix(last, `fast: failed: device rejected "show tech-support"`) {
		t.Errorf("no line for fast as it finished:\n%s", strings.Join(seen, "\n"))
	}
	for _, l := range seen {
		if strings.HasPrefix(l, "slow:") {
			t.Errorf("slow finished before it was interrupted: %q", l)
		}
	}
	if !slices.ContainsFunc(seen, func(l string) bool {
		return strings.HasPrefix(l, "===> ") && strings.HasSuffix(l, "Connection: fast (192.0.2.1)")
	}) {
		t.Errorf("the connection line does not name the device:\n%s", strings.Join(seen, "\n"))
	}
	// slow hangs until interrupted: its line comes then, cancelled.
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(stderr)
	waitExit(t, cmd, 20*time.Second)
	if !strings.Contains(string(rest), "slow: cancelled") {
		t.Errorf("no line for slow after the interrupt:\n%s", rest)
	}
	if strings.Contains(strings.Join(seen, "\n")+string(rest), "\x1b[") {
		t.Errorf("escape codes on a stream that is not a terminal:\n%q", rest)
	}
}

// TestApplyFailedDeviceLine: a device whose login is refused gets its
// error on its line.
func TestApplyFailedDeviceLine(t *testing.T) {
	t.Parallel()
	dir := copyExample(t, "show-clock-errors")
	_, stderr := applyExpect(t, 1, "-sim", "-auto-approve", dir)
	for _, want := range []string{"\nr1: ok (", "\nr2: failed: authentication failed for user \"cisco\"", "\nr3: ok ("} {
		if !strings.Contains("\n"+stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// TestNaturalOrder: devices r1, r2, r10 show in that order in the plan, the
// report and the outputs, not as strings sort (r1, r10, r2).
func TestNaturalOrder(t *testing.T) {
	t.Parallel()
	dir := runbookDir(t, labCredentials+`
device "r" {
  for_each    = { r10 = "192.0.2.10", r2 = "192.0.2.2", r1 = "192.0.2.1" }
  host        = each.value
  credentials = credentials.lab
}
command "clock" {
  commands = ["show clock"]
}
output "clock" { value = command.clock.output }
`)
	inOrder := func(what, s string, marks ...string) {
		t.Helper()
		at := -1
		for _, m := range marks {
			i := strings.Index(s, m)
			if i <= at {
				t.Errorf("%s: %q not after the previous %q:\n%s", what, m, marks, s)
				return
			}
			at = i
		}
	}
	code, stdout, stderr := netrun(t, "", "plan", "-sim", dir)
	if code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, stderr)
	}
	inOrder("plan", stdout, "# r1 ", "# r2 ", "# r10 ")
	stdout, _ = applyExpect(t, 0, "-sim", "-auto-approve", dir)
	report, outputs, _ := strings.Cut(stdout, "Apply complete")
	inOrder("report", report, "\nr1 (", "\nr2 (", "\nr10 (")
	inOrder("outputs", outputs, `"r1"`, `"r2"`, `"r10"`)
}

// TestWarningOncePerCause: three devices skipping host key checks give one
// Terraform-style warning naming them, not a log line per connection.
func TestWarningOncePerCause(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, base := startFleet(t, dir, 3)
	writeRunbook(t, dir, labCredentials+fmt.Sprintf(`
device "r" {
  for_each               = { r1 = 0, r2 = 1, r3 = 2 }
  host                   = "127.0.0.1"
  port                   = %d + each.value
  credentials            = credentials.lab
  insecure_skip_host_key = true
}
command "clock" {
  commands = ["show clock"]
}
`, base))
	_, stderr := applyExpect(t, 0, "-auto-approve", dir)
	if n := strings.Count(stderr, "Warning: host key verification disabled by insecure_skip_host_key"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, stderr)
	}
	if !strings.Contains(stderr, "r1, r2, r3") {
		t.Errorf("the warning does not name the devices:\n%s", stderr)
	}
	if strings.Contains(stderr, "level=WARN") {
		t.Errorf("warnings are still logged per connection:\n%s", stderr)
	}
}

// sgr matches a colour (Select Graphic Rendition) escape sequence.
var sgr = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// TestTerminal runs netrun on a pseudo-terminal: a live counter and colour,
// which -no-color (global or the command's) and NO_COLOR turn off.
func TestTerminal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		env   []string
		args  []string
		color bool
	}{
		{"color", nil, []string{"apply"}, true},
		{"no-color flag", nil, []string{"apply", "-no-color"}, false},
		{"global no-color", nil, []string{"-no-color", "apply"}, false},
		{"NO_COLOR", []string{"NO_COLOR=1"}, []string{"apply"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := copyExample(t, "show-clock-errors")
			cmd := netrunProcess(append(tc.args, "-sim", "-auto-approve", dir)...)
			cmd.Env = append(cmd.Env, tc.env...)
			cmd.Env = append(cmd.Env, "TERM=xterm")
			out := ptyRun(t, cmd)
			if !strings.Contains(out, "3/3 devices") || !strings.Contains(out, "2 ok, 1 failed") {
				t.Errorf("no live counter:\n%q", out)
			}
			if got := sgr.MatchString(out); got != tc.color {
				t.Errorf("colour %v, want %v:\n%q", got, tc.color, out)
			}
			if tc.color && !strings.Contains(out, "\x1b[32m  + command.clock") {
				t.Errorf("the plan's + line is not green:\n%q", out)
			}
		})
	}
}

// ptyRun runs cmd with a pseudo-terminal as its stdin, stdout and stderr
// and returns all it wrote.
func ptyRun(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 160})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	_, err = io.Copy(&b, f)
	// The terminal's other end reads EIO once netrun exits.
	if err != nil && !errors.Is(err, syscall.EIO) {
		t.Error(err)
	}
	waitExit(t, cmd, 20*time.Second)
	return b.String()
}
