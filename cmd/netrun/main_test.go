package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/netrun/netrun/drivers/drivertest"
)

// TestMain lets a test run this binary as netrun itself (for signals).
func TestMain(m *testing.M) {
	if drivertest.ServeFleet() {
		return // served BenchmarkModes' simulators
	}
	if os.Getenv("NETRUN_TEST_AS_MAIN") == "1" {
		main()
	}
	// Subprocess-mode workers are this test binary re-run as netrun.
	os.Setenv("NETRUN_TEST_AS_MAIN", "1")
	code := m.Run()
	if plainBuild.path != "" {
		os.RemoveAll(filepath.Dir(plainBuild.path))
	}
	os.Exit(code)
}

var progressLine = regexp.MustCompile(`(?m)^===> \d\d:\d\d:\d\d\.\d{6} Connection: r\d \(192\.168\.100\.\d\)$`)
var receivedLine = regexp.MustCompile(`(?m)^<=== \d\d:\d\d:\d\d\.\d{6} Received: r\d \(192\.168\.100\.\d\)$`)

func TestShowClockExample(t *testing.T) {
	t.Parallel()
	dir := copyExample(t, "show-clock")
	stdout, stderr := applyExpect(t, 0, "-sim", "-auto-approve", dir)
	if n := len(progressLine.FindAllString(stderr, -1)); n != 3 {
		t.Errorf("%d connection progress lines, want 3:\n%s", n, stderr)
	}
	if n := len(receivedLine.FindAllString(stderr, -1)); n != 3 {
		t.Errorf("%d received progress lines, want 3:\n%s", n, stderr)
	}
	for _, r := range []string{"r1", "r2", "r3"} {
		if !strings.Contains(stdout, r+"# sh clock") {
			t.Errorf("stdout lacks %s's clock:\n%s", r, stdout)
		}
	}
	if !strings.Contains(stdout, "Apply complete: 3 succeeded, 0 failed") {
		t.Errorf("no summary:\n%s", stdout)
	}
	if strings.Contains(stdout+stderr, "cisco\n") {
		t.Errorf("the password leaks into the output")
	}

	code, stdout, stderr := netrun(t, "", "-chdir="+dir, "output", "-json")
	if code != 0 {
		t.Fatalf("output exit %d: %s", code, stderr)
	}
	var got map[string]map[string]string
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("output -json is not JSON: %v\n%s", err, stdout)
	}
	if len(got["clock"]) != 3 {
		t.Fatalf("output -json = %v, want clock for 3 devices", got)
	}
	clock := regexp.MustCompile(`^\*\d\d:\d\d:\d\d\.\d{3} UTC \w{3} \w{3} +\d+ \d{4}$`)
	for name, v := range got["clock"] {
		if !clock.MatchString(v) {
			t.Errorf("clock[%s] = %q, want an IOS clock line", name, v)
		}
	}

	code, stdout, _ = netrun(t, "", "-chdir", dir, "output", "clock")
	if code != 0 || !strings.Contains(stdout, `"r2" = "*`) {
		t.Errorf("output clock: exit %d\n%s", code, stdout)
	}
}

func TestShowClockErrorsExample(t *testing.T) {
	t.Parallel()
	dir := copyExample(t, "show-clock-errors")
	stdout, _ := applyExpect(t, 1, "-sim", "-auto-approve", dir)
	if !strings.Contains(stdout, "Apply complete: 2 succeeded, 1 failed") {
		t.Errorf("no summary:\n%s", stdout)
	}
	if !regexp.MustCompile(`(?m)^  r2: .*authentication failed`).MatchString(stdout) {
		t.Errorf("r2's authentication error is not reported by name:\n%s", stdout)
	}
	for _, r := range []string{"r1", "r3"} {
		if !strings.Contains(stdout, r+"# sh clock") {
			t.Errorf("stdout lacks %s's clock:\n%s", r, stdout)
		}
	}
	code, stdout, _ := netrun(t, "", "-chdir="+dir, "output", "-json")
	var got map[string]map[string]string
	if code != 0 || json.Unmarshal([]byte(stdout), &got) != nil {
		t.Fatalf("output -json: exit %d\n%s", code, stdout)
	}
	if _, ok := got["clock"]["r2"]; ok || len(got["clock"]) != 2 {
		t.Errorf("clock = %v, want r1 and r3 only", got["clock"])
	}
}

func TestInventoryCSVExample(t *testing.T) {
	t.Parallel()
	dir := copyExample(t, "inventory-csv")
	stdout, _ := applyExpect(t, 0, dir, "-sim", "-auto-approve", "-parallelism=3")
	if !strings.Contains(stdout, "Apply complete: 4 succeeded, 0 failed") {
		t.Errorf("no summary:\n%s", stdout)
	}
	code, stdout, _ := netrun(t, "", "-chdir="+dir, "output", "-json", "ams_interfaces")
	var ams map[string]string
	if code != 0 || json.Unmarshal([]byte(stdout), &ams) != nil {
		t.Fatalf("output ams_interfaces: exit %d\n%s", code, stdout)
	}
	if diff := cmp.Diff([]string{"core1", "core2"}, sortedKeys(ams)); diff != "" {
		t.Errorf("ams devices (-want +got):\n%s", diff)
	}
}

// TestSimFleetExample serves a fleet as `netrun sim` does, with its host keys
// in a known_hosts file, and runs the sim-fleet example against it with host
// key verification on.
func TestSimFleetExample(t *testing.T) {
	t.Parallel()
	dir := copyExample(t, "sim-fleet")
	_, base := startFleet(t, dir, 5)
	stdout, _ := applyExpect(t, 0, "-auto-approve", "-var", "count=5", "-var", fmt.Sprintf("base_port=%d", base), dir)
	if !strings.Contains(stdout, "Apply complete: 5 succeeded, 0 failed") {
		t.Errorf("no summary:\n%s", stdout)
	}

	// The same fleet with an empty known_hosts: every device is refused,
	// by name, with the key's fingerprint.
	if err := os.WriteFile(filepath.Join(dir, "sim_known_hosts"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := netrun(t, "", "apply", "-auto-approve", "-var", "count=5",
		"-var", fmt.Sprintf("base_port=%d", base), dir)
	if code != 1 || !regexp.MustCompile(`(?m)^  r3: .*SHA256:`).MatchString(stdout) {
		t.Errorf("unknown host keys: exit %d, want 1 and r3's fingerprint:\n%s", code, stdout)
	}
}

func TestApplyAsksForApproval(t *testing.T) {
	t.Parallel()
	dir := copyExample(t, "show-clock")
	code, stdout, _ := netrun(t, "no\n", "apply", "-sim", dir)
	if code != 1 || !strings.Contains(stdout, "Apply cancelled.") {
		t.Errorf("answer no: exit %d\n%s", code, stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "netrun.state.json")); err == nil {
		t.Error("a cancelled apply wrote state")
	}
	code, stdout, _ = netrun(t, "yes\n", "apply", "-sim", dir)
	if code != 0 || !strings.Contains(stdout, "Apply complete: 3 succeeded") {
		t.Errorf("answer yes: exit %d\n%s", code, stdout)
	}
}

func TestPlanShowsStepsAndSendsNothing(t *testing.T) {
	t.Parallel()
	dir := copyExample(t, "inventory-csv")
	code, stdout, stderr := netrun(t, "", "plan", dir)
	if code != 0 {
		t.Fatalf("plan exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"# core1 (10.1.0.1:22, cisco_iosxe via ssh)",
		"+ command.interfaces   (after command.version@core1)",
		"> show ip interface brief",
		"# edge2 (10.2.0.2:22, cisco_ios via ssh)",
		"Plan: 6 steps on 4 devices.",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("plan lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stderr, "===>") {
		t.Errorf("plan connected to devices:\n%s", stderr)
	}
	code, stdout, _ = netrun(t, "", "plan", "-json", dir)
	if code != 0 {
		t.Fatalf("plan -json: exit %d\n%s", code, stdout)
	}
	// One planned_change per step, 6 steps on the 4 devices.
	events := parseStream(t, stdout)
	devices := map[string]bool{}
	for _, e := range ofType(events, "planned_change") {
		var c struct{ Device string }
		if err := json.Unmarshal(e.Change, &c); err != nil {
			t.Fatal(err)
		}
		devices[c.Device] = true
	}
	if n := len(ofType(events, "planned_change")); n != 6 || len(devices) != 4 {
		t.Errorf("plan -json: %d planned changes on %v, want 6 on 4 devices\n%s", n, sortedKeys(devices), stdout)
	}
}

// TestValidateExamples validates every example runbook (each directory
// under examples/ with .hcl files) and checks it has a README. Runbooks
// under examples/plugins need their plugin built and are checked by the
// plugin tests.
func TestValidateExamples(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..", "examples")
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".netrun" || path == filepath.Join(root, "plugins")) {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".hcl") && !slices.Contains(dirs, filepath.Dir(path)) {
			dirs = append(dirs, filepath.Dir(path))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 8 {
		t.Fatalf("found %d example runbooks: %v", len(dirs), dirs)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := netrun(t, "", "validate", dir)
			if code != 0 || !strings.Contains(stdout, "Success!") {
				t.Errorf("exit %d\n%s%s", code, stdout, stderr)
			}
			if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
				t.Errorf("example has no README.md")
			}
		})
	}
}

func TestBadRunbookDiagnostics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"syntax", "device \"r1\" {\n  host = \n}\n", []string{"main.hcl line 2", "host ="}},
		{"unknown block", "devise \"r1\" {}\n", []string{"main.hcl line 1", `devise "r1"`}},
		{"no credentials", "device \"r1\" {\n  host = \"h\"\n}\n", []string{"Missing credentials", "main.hcl line 1"}},
		{"config lines", `credentials "c" { username = "u" }
device "r1" {
  host        = "h"
  credentials = credentials.c
}
config "x" {
  text = "interface Gi1\n   description a\n  shutdown\n"
}
`, []string{"Invalid configuration lines", "main.hcl line 7", "Line 3 of text", "indentation"}},
		{"cycle", `credentials "c" { username = "u" }
device "r1" {
  host = "h"
  credentials = credentials.c
}
command "a" {
  commands = ["x"]
  depends_on = [command.b]
}
command "b" {
  commands = ["y"]
  depends_on = [command.a]
}
`, []string{"Dependency cycle", "command.a → command.b → command.a", "main.hcl line 8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := runbookDir(t, tt.src)
			for _, cmd := range []string{"validate", "plan"} {
				code, stdout, stderr := netrun(t, "", "-chdir="+dir, cmd)
				if code != 1 {
					t.Errorf("%s exit %d, want 1", cmd, code)
				}
				flat := strings.Join(strings.Fields(stderr), " ") // diagnostics are wrapped
				for _, w := range tt.want {
					if !strings.Contains(flat, w) {
						t.Errorf("%s: stderr lacks %q:\n%s%s", cmd, w, stdout, stderr)
					}
				}
			}
		})
	}
}

func TestOutputWithoutState(t *testing.T) {
	t.Parallel()
	code, _, stderr := netrun(t, "", "-chdir="+t.TempDir(), "output")
	if code != 1 || !strings.Contains(stderr, "run `netrun apply`") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

func TestVersionAndUsage(t *testing.T) {
	t.Parallel()
	code, stdout, _ := netrun(t, "", "version")
	if code != 0 || !strings.Contains(stdout, "netrun v") || !strings.Contains(stdout, "ssh") {
		t.Errorf("version: exit %d\n%s", code, stdout)
	}
	code, _, stderr := netrun(t, "", "frobnicate")
	if code != 1 || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d\n%s", code, stderr)
	}
}

// TestApplyInterrupt sends SIGINT to a real netrun process while one device
// (slow) hangs: the hung command is cancelled, the finished device's result is
// saved, and the exit status is 1.
func TestApplyInterrupt(t *testing.T) {
	t.Parallel()
	dir := runbookDir(t, fastAndSlow(true)+`
command "clock" {
  devices  = [device.fast]
  commands = ["show clock"]
}
command "tech" {
  devices    = [device.slow]
  commands   = ["show tech-support"]
  depends_on = [command.clock]
}
output "clock" { value = command.clock.output }
`)
	cmd, stderr := startNetrun(t, nil, "apply", "-sim", "-auto-approve", dir)
	// fast is done, and tech waits on it: once slow connects, interrupt.
	seen := scanUntil(bufio.NewScanner(stderr), "Connection: slow (192.0.2.2)")
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(stderr)
	if code := waitExit(t, cmd, 20*time.Second); code != 1 {
		t.Errorf("exit %d, want status 1", code)
	}
	if !strings.Contains(string(rest), "interrupted") {
		t.Errorf("stderr lacks the interruption notice:\n%s\n%s", strings.Join(seen, "\n"), rest)
	}
	data, err := os.ReadFile(filepath.Join(dir, "netrun.state.json"))
	if err != nil {
		t.Fatalf("no state after interrupt: %v", err)
	}
	var st struct {
		Devices map[string]struct{ Status string }
	}
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	if st.Devices["fast"].Status != "ok" || st.Devices["slow"].Status != "cancelled" {
		t.Errorf("device statuses = %+v", st.Devices)
	}
	if _, out, _ := netrun(t, "", "-chdir="+dir, "output", "clock"); !strings.Contains(out, "UTC") {
		t.Errorf("fast's output lost: %s", out)
	}
}

// TestIssue3Examples: the multi-vendor and bastion examples apply cleanly
// under -sim (every device through scrapli on its own platform; through
// two simulated bastions).
func TestIssue3Examples(t *testing.T) {
	t.Parallel()
	for name, devices := range map[string]int{"multi-vendor": 4, "bastion": 4} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := copyExample(t, name)
			tr := t.TempDir()
			stdout, _ := applyExpect(t, 0, "-sim", "-auto-approve", "-transcript-dir", tr, dir)
			if want := fmt.Sprintf("Apply complete: %d succeeded, 0 failed", devices); !strings.Contains(stdout, want) {
				t.Errorf("no %q:\n%s", want, stdout)
			}
			logs, _ := filepath.Glob(filepath.Join(tr, "*.log"))
			if len(logs) != devices {
				t.Errorf("%d transcripts, want %d", len(logs), devices)
			}
		})
	}
}
