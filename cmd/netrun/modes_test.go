package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netrun/netrun/drivers/drivertest"
	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/sim"
)

// applyResults runs apply -json and keeps what must not depend on the mode:
// per device its status, error and every output, with clock readings
// blanked (they differ from run to run).
func applyResults(t *testing.T, dir string, args ...string) map[string][]string {
	t.Helper()
	code, stdout, stderr := netrun(t, "", append(append([]string{"apply", "-auto-approve", "-json"}, args...), dir)...)
	if code != 0 && code != 1 {
		t.Fatalf("apply exit %d\n%s", code, stderr)
	}
	// Each device's results are in its device_complete or device_errored
	// event.
	type device struct {
		Name, Status, Error string
		Steps               []struct {
			Task, Status string
			Results      []struct{ Output string }
		}
	}
	var devices []device
	for _, e := range parseStream(t, stdout) {
		if e.Type != "device_complete" && e.Type != "device_errored" {
			continue
		}
		var d device
		if err := json.Unmarshal(e.Device, &d); err != nil {
			t.Fatalf("apply -json: %v\n%s", err, e.Device)
		}
		devices = append(devices, d)
	}
	clock := regexp.MustCompile(`\d\d:\d\d:\d\d(\.\d+)?|\w{3} \w{3} +\d+ \d{4}|uptime is [^\n]*|Uptime: [^\n]*|127\.0\.0\.1:\d+`)
	res := map[string][]string{}
	for _, d := range devices {
		lines := []string{"status " + d.Status, "error " + clock.ReplaceAllString(d.Error, "T")}
		for _, s := range d.Steps {
			lines = append(lines, s.Task+" "+s.Status)
			for _, r := range s.Results {
				lines = append(lines, clock.ReplaceAllString(r.Output, "T"))
			}
		}
		res[d.Name] = lines
	}
	return res
}

const chainRunbook = labCredentials + `
device "r" {
  for_each    = { for i in range(50) : "r${i + 1}" => i }
  host        = "192.0.2.1"
  credentials = credentials.lab
  sim {
    hang_on = []
  }
}
command "first" {
  commands = ["show version"]
}
command "second" {
  commands   = ["show ip interface brief"]
  depends_on = [command.first]
}
config "ntp" {
  text       = "ntp server 10.0.0.1"
  depends_on = [command.second]
}
command "last" {
  devices    = [device.r["r1"], device.r["r50"]]
  commands   = ["show running-config | include ntp", "show flux capacitor"]
  depends_on = [config.ntp]
}
`

// TestModesAgree: every example runbook, and a 50-device fleet with a
// dependency chain, give the same results in goroutine and subprocess
// mode.
func TestModesAgree(t *testing.T) {
	t.Parallel()
	// Every example but bastion (jump hosts need goroutine mode) and the
	// plugin one (a plugin runs in its own processes in either mode).
	cases := []string{"show-clock", "show-clock-errors", "inventory-csv", "multi-vendor", "ntp", "interfaces", "sim-fleet", "chain"}
	for _, name := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var runs []map[string][]string
			for _, mode := range []string{"goroutine", "subprocess"} {
				var dir string
				args := []string{"-sim", "-mode=" + mode, "-parallelism=5"}
				switch name {
				case "chain":
					dir = runbookDir(t, chainRunbook)
				case "sim-fleet":
					// Against a fleet as `netrun sim` serves it, host keys
					// verified from its known_hosts.
					dir = copyExample(t, name)
					if err := os.WriteFile(filepath.Join(dir, "start.cfg"), []byte("hostname r\nend\n"), 0o644); err != nil {
						t.Fatal(err)
					}
					_, base := startFleet(t, dir, 6)
					args = []string{"-mode=" + mode, "-parallelism=3", "-var", "count=6", "-var", fmt.Sprintf("base_port=%d", base)}
				default:
					dir = copyExample(t, name)
				}
				runs = append(runs, applyResults(t, dir, args...))
			}
			if len(runs[0]) == 0 {
				t.Fatal("no devices")
			}
			if diff := cmp.Diff(runs[0], runs[1]); diff != "" {
				t.Errorf("results differ (-goroutine +subprocess):\n%s", diff)
			}
		})
	}
}

// processes lists the processes of this machine (the test skips without
// /proc).
func processes(tb testing.TB) []drivertest.Process {
	tb.Helper()
	ps, ok := drivertest.Processes()
	if !ok {
		tb.Skip("no /proc")
	}
	return ps
}

// markedPIDs lists the live processes carrying mark in their environment:
// the workers and plugins a test's netrun started, wherever they were
// reparented.
func markedPIDs(t *testing.T, mark string) []int {
	t.Helper()
	var pids []int
	for _, p := range processes(t) {
		if p.PID != os.Getpid() && !p.Zombie && strings.Contains(p.Environ, "NETRUN_TEST_MARK="+mark) {
			pids = append(pids, p.PID)
		}
	}
	return pids
}

// childWorkers lists this process's live child processes that are netrun
// workers.
func childWorkers(tb testing.TB) []int {
	tb.Helper()
	var pids []int
	for _, p := range processes(tb) {
		if p.PPID == os.Getpid() && !p.Zombie && strings.Contains(p.Cmdline, workerArg) {
			pids = append(pids, p.PID)
		}
	}
	return pids
}

// TestSubprocessInterruptLeavesNoWorker: Ctrl-C on apply -mode=subprocess
// stops every worker; none is left behind.
func TestSubprocessInterruptLeavesNoWorker(t *testing.T) {
	t.Parallel()
	dir := runbookDir(t, labLogin+`
device "w" {
  for_each    = toset(["w1", "w2", "w3"])
  host        = "192.0.2.1"
  credentials = credentials.lab
  timeout     = "5m"
  sim { hang_on = ["show tech-support"] }
}
command "tech" {
  commands = ["show tech-support"]
}
`)
	mark := strconv.FormatInt(time.Now().UnixNano(), 36)
	cmd, stderr := startNetrun(t, []string{"NETRUN_TEST_MARK=" + mark}, "apply", "-sim", "-auto-approve", "-mode=subprocess", dir)
	sc := bufio.NewScanner(stderr)
	seen := 0
	for seen < 3 && sc.Scan() {
		if strings.Contains(sc.Text(), "Connection:") {
			seen++
		}
	}
	drivertest.WaitFor(t, 20*time.Second, func() bool { return len(markedPIDs(t, mark)) >= 4 }) // netrun and 3 workers
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	go func() {
		for sc.Scan() {
		}
	}()
	if err := cmd.Wait(); err == nil {
		t.Error("interrupted apply exited 0")
	}
	drivertest.WaitFor(t, 20*time.Second, func() bool { return len(markedPIDs(t, mark)) == 0 })
}

// TestSubprocessIsolation: a worker killed with SIGKILL mid-command fails
// only its device, with the worker's death in the error; the pool starts a
// new worker for the next device, and none is left after the run.
func TestSubprocessIsolation(t *testing.T) {
	// Not parallel: it finds its worker among this process's children.
	dir := runbookDir(t, labLogin+`
device "a_victim" {
  host        = "192.0.2.1"
  credentials = credentials.lab
  timeout     = "5m"
  sim { hang_on = ["show tech-support"] }
}
device "b_next" {
  host        = "192.0.2.2"
  credentials = credentials.lab
  sim { hang_on = ["show tech-support"] }
}
command "tech" {
  devices  = [device.a_victim]
  commands = ["show tech-support"]
}
command "clock" {
  devices  = [device.b_next]
  commands = ["show clock"]
}
`)
	ctx := context.Background()
	c := loadRunbook(t, dir, 1, engine.ModeSubprocess, os.Stderr)
	set, rb, p := c.set, c.rb, c.plan
	fleet, err := sim.ServeRunbook(rb)
	if err != nil {
		t.Fatal(err)
	}
	defer fleet.Close()
	done := make(chan *engine.Report)
	go func() {
		done <- engine.Apply(ctx, rb, p, engine.Options{Parallelism: 1, Drivers: set.reg, Endpoints: fleet.Endpoints})
	}()
	drivertest.WaitFor(t, 20*time.Second, func() bool { return slices.Contains(fleet.Servers["a_victim"].Commands(), "show tech-support") })
	workers := childWorkers(t)
	if len(workers) != 1 {
		t.Fatalf("%d workers, want 1 at parallelism 1: %v", len(workers), workers)
	}
	if err := syscall.Kill(workers[0], syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	var rep *engine.Report
	select {
	case rep = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("apply did not finish after the worker was killed")
	}
	victim, next := rep.Devices[0], rep.Devices[1]
	if victim.Status != engine.Failed || !strings.Contains(victim.Error, "died") || !strings.Contains(victim.Error, "stderr") {
		t.Errorf("a_victim: %s %q, want failed because its worker died", victim.Status, victim.Error)
	}
	if next.Status != engine.OK {
		t.Errorf("b_next: %s %q, want ok on a new worker", next.Status, next.Error)
	}
	set.Close()
	drivertest.WaitFor(t, 20*time.Second, func() bool { return len(childWorkers(t)) == 0 })
}

// TestPluginPanicFailsOnlyItsDevice: a plugin that panics on one device's
// command fails that device, naming the death and quoting its stderr; the
// other devices go on.
func TestPluginPanicFailsOnlyItsDevice(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	buildPlugin(t, "github.com/netrun/netrun/drivers/plugin/testdata/plugin-echo", filepath.Join(dir, ".netrun", "plugins"), "netrun-driver-echo")
	src := `
credentials "lab" {
  username = "u"
  password = "p"
}
device "d" {
  for_each    = toset(["d1", "boom", "d3"])
  host        = "127.0.0.1"
  driver      = "echo"
  credentials = credentials.lab
  mode        = "plain" # the echo plugin's own (required) setting
}
command "hello" {
  commands = ["hello"]
}
command "panic" {
  devices    = [device.d["boom"]]
  commands   = ["panic"]
  depends_on = [command.hello]
}
command "after" {
  commands   = ["after"]
  depends_on = [command.hello]
}
`
	writeRunbook(t, dir, src)
	code, stdout, stderr := netrun(t, "", "apply", "-auto-approve", dir)
	if code != 1 {
		t.Fatalf("apply exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "2 succeeded, 1 failed") || !regexp.MustCompile(`(?m)^  boom: .*died.*\n?.*panic`).MatchString(stdout) {
		t.Errorf("want boom failed with the plugin's death and panic, others ok:\n%s", stdout)
	}
	code, stdout, _ = netrun(t, "", "-chdir="+dir, "version")
	if code != 0 || !strings.Contains(stdout, "plugin: echo v") {
		t.Errorf("version does not list the plugin:\n%s", stdout)
	}
}

// TestExecPlugin: the example plugin is found in the runbook's
// .netrun/plugins, its settings are validated (a misspelling is a located
// diagnostic), and it runs commands over SSH exec channels on loopback.
func TestExecPlugin(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	buildPlugin(t, "github.com/netrun/netrun/examples/plugins/netrun-driver-exec", filepath.Join(dir, ".netrun", "plugins"), "netrun-driver-exec")
	src := readFile(t, filepath.Join("..", "..", "examples", "plugins", "linux-hosts", "main.hcl"))
	writeRunbook(t, dir, src)
	if code, stdout, stderr := netrun(t, "", "validate", dir); code != 0 {
		t.Fatalf("validate: exit %d\n%s%s", code, stdout, stderr)
	}
	bad := strings.Replace(src, "  shell  = var.shell", "  shel   = var.shell", 1)
	writeRunbook(t, dir, bad)
	code, _, stderr := netrun(t, "", "validate", dir)
	line := 1 + strings.Count(bad[:strings.Index(bad, "shel ")], "\n")
	flat := strings.Join(strings.Fields(stderr), " ") // diagnostics are wrapped
	if code != 1 || !strings.Contains(flat, fmt.Sprintf("main.hcl line %d", line)) || !strings.Contains(flat, `Did you mean "shell"?`) {
		t.Errorf("misspelled setting: exit %d, want a located did-you-mean at line %d\n%s", code, line, stderr)
	}
	writeRunbook(t, dir, src)

	// The simulator answers exec requests with its CLI: no shell, and no
	// environment assignments in front of the commands. A rejected command
	// exits non-zero there, so the plugin reports it failed.
	code, stdout, stderr := netrun(t, "", "apply", "-sim", "-auto-approve", "-var", "shell=", "-var", "env={}",
		"-var", `commands=["show clock", "show flux capacitor"]`, dir)
	if code != 1 || !strings.Contains(stdout, "0 succeeded, 2 failed") || !strings.Contains(stdout, `device rejected "show flux capacitor"`) {
		t.Errorf("a rejected command through the exec plugin: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = netrun(t, "", "apply", "-sim", "-auto-approve", "-var", "shell=", "-var", "env={}",
		"-var", `commands=["show clock", "show version | include uptime"]`, dir)
	if code != 0 || !strings.Contains(stdout, "2 succeeded") || !strings.Contains(stdout, "UTC") || !strings.Contains(stdout, "via exec, plugin") {
		t.Errorf("apply through the exec plugin: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestModeDetails: a plan saved in subprocess mode is applied in it; jump
// hosts in subprocess mode are refused with the device's location, at
// validate too.
func TestModeDetails(t *testing.T) {
	t.Parallel()
	dir := copyExample(t, "show-clock")
	planFile := filepath.Join(t.TempDir(), "p.plan")
	if code, out, errOut := netrun(t, "", "plan", "-mode=subprocess", "-out", planFile, dir); code != 0 {
		t.Fatalf("plan -out: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut := netrun(t, "", "apply", "-sim", "-auto-approve", planFile)
	if code != 0 || !strings.Contains(out, "via ssh, subprocess") {
		t.Errorf("apply of a plan saved in subprocess mode: exit %d\n%s%s", code, out, errOut)
	}

	// netrun { mode } applies; the flag wins over it.
	byRunbook := copyExample(t, "show-clock")
	src0 := strings.Replace(readFile(t, filepath.Join(byRunbook, "main.hcl")), "parallelism = 2", "parallelism = 2\n  mode        = \"subprocess\"", 1)
	writeRunbook(t, byRunbook, src0)
	code, out, errOut = netrun(t, "", "apply", "-sim", "-auto-approve", byRunbook)
	if code != 0 || !strings.Contains(out, "via ssh, subprocess") {
		t.Errorf("apply with netrun { mode = subprocess }: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = netrun(t, "", "apply", "-sim", "-auto-approve", "-mode=goroutine", byRunbook)
	if code != 0 || strings.Contains(out, "subprocess") {
		t.Errorf("-mode=goroutine over the runbook's mode: exit %d\n%s%s", code, out, errOut)
	}

	bastion := copyExample(t, "bastion")
	code, _, errOut = netrun(t, "", "plan", "-mode=subprocess", bastion)
	if code != 1 || !regexp.MustCompile(`main\.hcl:\d+.*device sw1 goes through jump_host\.dc1, which needs -mode=goroutine`).MatchString(errOut) {
		t.Errorf("jump hosts in subprocess mode: exit %d\n%s", code, errOut)
	}
	src := readFile(t, filepath.Join(bastion, "main.hcl")) + "\nnetrun {\n  mode = \"subprocess\"\n}\n"
	writeRunbook(t, bastion, src)
	if code, _, errOut := netrun(t, "", "validate", bastion); code != 1 || !strings.Contains(errOut, "needs -mode=goroutine") {
		t.Errorf("validate of jump hosts with mode = subprocess: exit %d\n%s", code, errOut)
	}
}

// TestIncompatiblePlugin: a plugin speaking another protocol version is
// reported with both versions, at the device that uses it.
func TestIncompatiblePlugin(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	buildPlugin(t, "github.com/netrun/netrun/drivers/plugin/testdata/plugin-v2", filepath.Join(dir, ".netrun", "plugins"), "netrun-driver-v2")
	src := "credentials \"c\" {\n  username = \"u\"\n}\ndevice \"d\" {\n  host        = \"127.0.0.1\"\n  driver      = \"v2\"\n  credentials = credentials.c\n}\n"
	writeRunbook(t, dir, src)
	code, _, stderr := netrun(t, "", "validate", dir)
	flat := strings.Join(strings.Fields(stderr), " ") // the diagnostic is wrapped
	if code != 1 || !strings.Contains(flat, "main.hcl line 6") || !strings.Contains(flat, "protocol 2, this netrun speaks protocol 1") {
		t.Errorf("validate with an incompatible plugin: exit %d\n%s", code, stderr)
	}
}
