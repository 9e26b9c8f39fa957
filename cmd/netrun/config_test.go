package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/netrun/netrun/drivers/drivertest"
)

// TestConfigWorkflow is the Terraform workflow on config blocks over real
// SSH: plan shows the lines (exit 2), apply converges and backs up, plan
// shows no changes (exit 0), an out-of-band change is drift, and a saved
// plan refuses the changed device as stale while applying the others.
func TestConfigWorkflow(t *testing.T) {
	t.Parallel()
	dir := copyExample(t, "ntp")
	fleet, base := startFleet(t, dir, 3)
	port := fmt.Sprintf("base_port=%d", base)

	code, stdout, _ := netrun(t, "", "plan", "-refresh=false", "-detailed-exitcode", "-var", port, dir)
	if code != 2 || !strings.Contains(stdout, "config.ntp on r1: not read") || !strings.Contains(stdout, "absent: ntp server 192.0.2.99") {
		t.Errorf("plan -refresh=false: exit %d, want 2 and the declared lines\n%s", code, stdout)
	}
	code, stdout, stderr := netrun(t, "", "plan", "-detailed-exitcode", "-var", port, dir)
	if code != 2 {
		t.Fatalf("first plan: exit %d, want 2\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"# config.ntp on r1 will change 2 lines", "  - ntp server 192.0.2.99", "  + ntp server 10.0.0.2", "3 to change"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("first plan lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "+ ntp server 10.0.0.1") {
		t.Errorf("plan adds a line the routers already have:\n%s", stdout)
	}

	code, stdout, stderr = netrun(t, "", "apply", "-auto-approve", "-var", port, dir)
	if code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", code, stdout, stderr)
	}
	run := fleet.Servers[0].RunningConfig()
	if !strings.Contains(run, "ntp server 10.0.0.2") || strings.Contains(run, "192.0.2.99") {
		t.Errorf("r1 did not converge:\n%s", run)
	}
	if !strings.Contains(fleet.Servers[0].StartupConfig(), "ntp server 10.0.0.2") {
		t.Error("r1's change was not saved to startup")
	}
	backup, err := os.ReadFile(filepath.Join(dir, "backups", "r1.cfg"))
	if err != nil || !strings.Contains(string(backup), "ntp server 192.0.2.99") {
		t.Errorf("backups/r1.cfg: %v\n%s", err, backup)
	}

	code, stdout, _ = netrun(t, "", "plan", "-detailed-exitcode", "-var", port, dir)
	if code != 0 || !strings.Contains(stdout, "No changes.") {
		t.Fatalf("plan after apply: exit %d, want 0 and No changes.\n%s", code, stdout)
	}

	// Someone adds a server by hand on r2: drift, and a stale saved plan.
	r2 := fleet.Servers[1]
	if err := r2.SetRunningConfig(r2.RunningConfig() + "\nntp server 203.0.113.7\n"); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = netrun(t, "", "plan", "-refresh-only", "-detailed-exitcode", "-var", port, dir)
	if code != 2 || !regexp.MustCompile(`# r2 has drifted[^\n]*\n\s*\+ ntp server 203\.0\.113\.7`).MatchString(stdout) || !strings.Contains(stdout, "# r1: in sync") {
		t.Errorf("refresh-only: exit %d, want 2 with r2's added line\n%s", code, stdout)
	}

	// A saved plan for a change, then r3 changes before it is applied.
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(strings.Replace(readFile(t, filepath.Join(dir, "main.hcl")),
		"ntp server 10.0.0.2", "ntp server 10.0.0.2\n    ntp server 10.0.0.3", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	planFile := filepath.Join(t.TempDir(), "ntp.plan")
	code, stdout, _ = netrun(t, "", "plan", "-out", planFile, "-var", port, dir)
	if code != 0 || !strings.Contains(stdout, "Saved the plan") {
		t.Fatalf("plan -out: exit %d\n%s", code, stdout)
	}
	r3 := fleet.Servers[2]
	if err := r3.SetRunningConfig(r3.RunningConfig() + "\nlogging host 192.0.2.50\n"); err != nil {
		t.Fatal(err)
	}
	r3Before := r3.RunningConfig()
	code, stdout, _ = netrun(t, "", "apply", planFile) // its -var values are in it
	if code != 1 || !regexp.MustCompile(`(?m)^  r3: .*stale plan`).MatchString(stdout) || !strings.Contains(stdout, "2 succeeded, 1 failed") {
		t.Errorf("apply of a stale saved plan: exit %d\n%s", code, stdout)
	}
	if r3.RunningConfig() != r3Before {
		t.Error("r3 was changed by a stale plan")
	}
	if !strings.Contains(fleet.Servers[0].RunningConfig(), "ntp server 10.0.0.3") {
		t.Error("r1 did not get the saved plan's change")
	}
}

// TestApplyKilled: SIGKILL during apply leaves a state file that parses
// with what finished, and no lock: the next apply runs.
func TestApplyKilled(t *testing.T) {
	t.Parallel()
	dir := runbookDir(t, fastAndSlow(true)+`
config "ntp" {
  devices = [device.fast]
  text    = "ntp server 10.0.0.2"
}
command "tech" {
  devices    = [device.slow]
  commands   = [var.hang ? "show tech-support" : "show version"]
  depends_on = [config.ntp]
}
`)
	cmd, stderr := startNetrun(t, nil, "apply", "-sim", "-auto-approve", dir)
	// Once slow connects, fast has finished: wait until the state file
	// records it, then kill without warning.
	scanUntil(bufio.NewScanner(stderr), "Connection: slow (192.0.2.2)")
	statePath := filepath.Join(dir, "netrun.state.json")
	drivertest.WaitFor(t, 20*time.Second, func() bool { return strings.Contains(readIfExists(statePath), `"fast"`) })
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	var st struct {
		Devices map[string]struct {
			Status   string
			Commands map[string]struct{ Status string }
		}
	}
	if err := json.Unmarshal([]byte(readFile(t, statePath)), &st); err != nil {
		t.Fatalf("state after SIGKILL does not parse: %v", err)
	}
	if st.Devices["fast"].Status != "ok" || st.Devices["fast"].Commands["config.ntp"].Status != "ok" {
		t.Errorf("fast's finished result was lost: %+v", st.Devices)
	}

	// The killed run's file lock went with its process: the next apply
	// takes the lock at once, with no force-unlock.
	noHang := []string{"-var", "hang=false", "-sim", "-auto-approve", dir}
	code, out, errOut := netrun(t, "", append([]string{"apply"}, noHang...)...)
	if code != 0 || !strings.Contains(out, "2 succeeded") {
		t.Errorf("apply after a killed apply: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, ".netrun.lock")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the lock is left after a finished apply: %v", err)
	}
}

// TestLockWaits: a second apply fails at once naming the holder; with
// -lock-timeout it waits for the first to finish and then runs.
func TestLockWaits(t *testing.T) {
	t.Parallel()
	dir := runbookDir(t, labLogin+`
device "r1" {
  host        = "192.0.2.1"
  credentials = credentials.lab
  sim { latency = "150ms" }
}
command "clock" {
  commands = ["show clock", "show clock"]
}
`)
	first := make(chan int)
	go func() {
		code, _, _ := netrun(t, "", "apply", "-sim", "-auto-approve", dir)
		first <- code
	}()
	drivertest.WaitFor(t, 20*time.Second, func() bool { return readIfExists(filepath.Join(dir, ".netrun.lock")) != "" })
	code, _, errOut := netrun(t, "", "apply", "-sim", "-auto-approve", dir)
	if code != 1 || !strings.Contains(errOut, "runbook is locked: apply by") || !strings.Contains(errOut, "still running") {
		t.Errorf("second apply: exit %d, want the holder named\n%s", code, errOut)
	}
	code, out, errOut := netrun(t, "", "apply", "-sim", "-auto-approve", "-lock-timeout=30s", dir)
	if code != 0 || !strings.Contains(out, "1 succeeded") {
		t.Errorf("apply -lock-timeout: exit %d\n%s%s", code, out, errOut)
	}
	if c := <-first; c != 0 {
		t.Errorf("first apply exit %d", c)
	}
}

// TestLeftoverLockFile: a lock file left by a run killed while taking it
// (empty) or after (its holder's details) is not a lock: no process holds
// it, so apply takes it without force-unlock.
func TestLeftoverLockFile(t *testing.T) {
	t.Parallel()
	for name, content := range map[string]string{
		"empty":  "",
		"holder": `{"id": "0123abcd", "operation": "apply", "who": "ops@elsewhere", "pid": 1}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := copyExample(t, "show-clock")
			if err := os.WriteFile(filepath.Join(dir, ".netrun.lock"), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			if code, out, errOut := netrun(t, "", "apply", "-sim", "-auto-approve", dir); code != 0 {
				t.Errorf("apply with a leftover lock file: exit %d\n%s%s", code, out, errOut)
			}
		})
	}
}
