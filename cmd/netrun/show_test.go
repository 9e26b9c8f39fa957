package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netrun/netrun/engine/state"
)

// TestIdenticalAppliesLeaveGitClean: two applies whose device outputs are
// the same leave every committed file byte-identical; the run's timing goes
// to .netrun/, which netrun keeps ignored.
func TestIdenticalAppliesLeaveGitClean(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := copyExample(t, "show-clock")
	// show clock answers the time of day; show version is the same each run.
	src := strings.Replace(readFile(t, filepath.Join(dir, "main.hcl")), `"sh clock"`, `"show version"`, 1)
	writeRunbook(t, dir, src)
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-qm", "runbook")
	applyExpect(t, 0, "-sim", "-auto-approve", dir)
	git("add", "-A")
	git("commit", "-qm", "first run")
	applyExpect(t, 0, "-sim", "-auto-approve", dir)
	if st := git("status", "--porcelain"); st != "" {
		t.Errorf("the second identical apply changed committed files:\n%s\n%s", st, git("diff"))
	}
	if got := readFile(t, filepath.Join(dir, ".netrun", ".gitignore")); got != "*\n" {
		t.Errorf(".netrun/.gitignore = %q, want \"*\\n\"", got)
	}
	if strings.Contains(readFile(t, filepath.Join(dir, state.File)), "started") {
		t.Errorf("the state file holds per-run times")
	}
	if last := readFile(t, filepath.Join(dir, ".netrun", "runs", "last.json")); !strings.Contains(last, `"started"`) {
		t.Errorf("the run log lacks the run's times:\n%s", last)
	}
	if out := readFile(t, filepath.Join(dir, ".netrun", "sim", "results", "r2.txt")); !strings.Contains(out, "Cisco IOS") {
		t.Errorf("r2's result file lacks its output:\n%s", out)
	}
}

// readResultsRunbook has devices whose names sort differently as text and
// as numbers, and two steps each.
const readResultsRunbook = labCredentials + `
device "r" {
  for_each    = toset(["r1", "r2", "r10"])
  host        = "192.0.2.1"
  credentials = credentials.lab
}
command "version" {
  commands = ["show version"]
}
command "hostname" {
  commands   = ["show running-config | include hostname"]
  depends_on = [command.version]
}
output "r2_version" { value = command.version.output["r2"] }
output "count" { value = 3 }
output "all" { value = command.hostname.output }
`

// TestShowAndState: show, state list/show/rm read the last apply's state,
// devices in natural order.
func TestShowAndState(t *testing.T) {
	t.Parallel()
	dir := runbookDir(t, readResultsRunbook)
	applyExpect(t, 0, "-sim", "-auto-approve", dir)
	cmd := func(want int, args ...string) string {
		t.Helper()
		code, stdout, stderr := netrun(t, "", append([]string{"-chdir=" + dir}, args...)...)
		if code != want {
			t.Fatalf("%v: exit %d, want %d\n%s%s", args, code, want, stdout, stderr)
		}
		if want != 0 {
			return stdout + stderr
		}
		return stdout
	}

	out := cmd(0, "show")
	i1, i2, i10 := strings.Index(out, "\nr1 "), strings.Index(out, "\nr2 "), strings.Index(out, "\nr10 ")
	if i1 < 0 || i2 < i1 || i10 < i2 {
		t.Errorf("show: devices not in natural order r1, r2, r10:\n%s", out)
	}
	for _, want := range []string{"command.version", "command.hostname", "hostname r10", "Cisco IOS", ": ok"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	// -limit shows only the devices it selects, as for plan and apply.
	if out := cmd(0, "show", "-limit=r1*"); !strings.Contains(out, "\nr1 ") || !strings.Contains(out, "\nr10 ") || strings.Contains(out, "\nr2 ") {
		t.Errorf("show -limit=r1*: want r1 and r10 only:\n%s", out)
	}
	var shown struct {
		Devices []struct {
			Name     string
			Status   string
			Started  string
			Commands map[string]json.RawMessage
		}
	}
	if err := json.Unmarshal([]byte(cmd(0, "show", "-json")), &shown); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range shown.Devices {
		names = append(names, d.Name)
		if d.Status != "ok" || d.Started == "" || len(d.Commands) != 2 {
			t.Errorf("show -json: %+v", d)
		}
	}
	if strings.Join(names, " ") != "r1 r2 r10" {
		t.Errorf("show -json devices %v, want r1 r2 r10", names)
	}

	if got := cmd(0, "state", "list"); got != "device.r1\ndevice.r2\ndevice.r10\n" {
		t.Errorf("state list = %q", got)
	}
	if got := cmd(0, "state", "show", "device.r2"); !strings.Contains(got, "hostname r2") || strings.Contains(got, "hostname r1\n") {
		t.Errorf("state show device.r2:\n%s", got)
	}
	// A for_each instance by its address, as -target writes it.
	if got := cmd(0, "state", "show", `device.r["r10"]`); !strings.Contains(got, "hostname r10") {
		t.Errorf(`state show device.r["r10"]: want r10's state:\n%s`, got)
	}
	cmd(1, "state", "show", "device.r7")

	if got := cmd(0, "output", "-raw", "r2_version"); !strings.HasPrefix(got, "Cisco IOS") || strings.HasPrefix(got, `"`) {
		t.Errorf("output -raw r2_version = %q, want the text itself", got)
	}
	if got := cmd(0, "output", "-raw", "count"); got != "3" {
		t.Errorf("output -raw count = %q", got)
	}
	if got := cmd(1, "output", "-raw", "all"); !strings.Contains(got, "-raw") {
		t.Errorf("output -raw of a map: %q, want an error saying -raw takes a string", got)
	}

	// state rm waits for no one: under another run's lock it is refused.
	lock, err := state.NewLocal(dir, false).Lock(context.Background(), "apply", 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := cmd(1, "state", "rm", "device.r2"); !strings.Contains(got, "locked") {
		t.Errorf("state rm under a lock: %s", got)
	}
	if err := lock.Unlock(); err != nil {
		t.Fatal(err)
	}
	result := filepath.Join(dir, ".netrun", "sim", "results", "r2.txt")
	if _, err := os.Stat(result); err != nil {
		t.Fatal(err)
	}
	cmd(0, "state", "rm", "device.r2")
	if got := cmd(0, "state", "list"); got != "device.r1\ndevice.r10\n" {
		t.Errorf("state list after rm = %q", got)
	}
	if _, err := os.Stat(result); !os.IsNotExist(err) {
		t.Errorf("r2's result file is left after state rm: %v", err)
	}
	if got := cmd(0, "output", "-json", "all"); strings.Contains(got, "r2") {
		t.Errorf("an output still names the removed device: %s", got)
	}
}

// TestShowPlanFile: show PLANFILE renders a saved plan as plan showed it.
func TestShowPlanFile(t *testing.T) {
	t.Parallel()
	dir := runbookDir(t, readResultsRunbook)
	planFile := filepath.Join(dir, "saved.plan")
	code, planned, stderr := netrun(t, "", "plan", "-out", planFile, dir)
	if code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, stderr)
	}
	code, shown, stderr := netrun(t, "", "show", planFile)
	if code != 0 || shown == "" || !strings.HasPrefix(planned, shown) {
		t.Errorf("show PLANFILE: exit %d\n%s\nwant the start of plan's output:\n%s%s", code, shown, planned, stderr)
	}
}
