package engine_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/drivertest"
	"github.com/netrun/netrun/drivers/scrapli"
	"github.com/netrun/netrun/drivers/sshraw"
	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/plan"
	"github.com/netrun/netrun/engine/state"
	"github.com/netrun/netrun/sim"
)

// fixture is a runbook written to a temporary directory, loaded, planned,
// and served by in-process simulators.
type fixture struct {
	rb    *config.Runbook
	plan  *plan.Plan
	fleet *sim.RunbookFleet
	opts  engine.Options
}

func registry(t testing.TB) drivers.Registry {
	t.Helper()
	d, err := sshraw.New()
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scrapli.New()
	if err != nil {
		t.Fatal(err)
	}
	return drivers.Registry{"ssh": d, "scrapli": sc}
}

// loadRunbook writes src as main.hcl and evaluates it.
func loadRunbook(t testing.TB, src string, reg drivers.Registry) (*config.Runbook, hcl.Diagnostics) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return loadDir(t, dir, reg)
}

// loadDir evaluates the runbook in dir.
func loadDir(t testing.TB, dir string, reg drivers.Registry) (*config.Runbook, hcl.Diagnostics) {
	t.Helper()
	parser := hclparse.NewParser()
	mod, diags := config.Load(parser, dir)
	if diags.HasErrors() {
		return nil, diags
	}
	rb, more := mod.Evaluate(config.Inputs{}, engine.LoadOptions(reg))
	return rb, append(diags, more...)
}

// labDevice declares a device at a documentation address with the lab
// credentials (the simulators of -sim answer for it); extra are attribute
// lines or blocks inside the device block.
func labDevice(name, host string, extra ...string) string {
	return block("device", name, append([]string{`host = "` + host + `"`, "credentials = credentials.lab"}, extra...)...)
}

// block is an HCL block of a kind and name holding body, one entry a line.
func block(kind, name string, body ...string) string {
	src := kind + " \"" + name + "\" {\n"
	for _, b := range body {
		src += "  " + b + "\n"
	}
	return src + "}\n"
}

func newFixture(t testing.TB, src string, parallelism int) *fixture {
	t.Helper()
	return newFixtureWith(t, registry(t), src, parallelism)
}

// newFixtureWith is newFixture with the drivers of reg.
func newFixtureWith(t testing.TB, reg drivers.Registry, src string, parallelism int) *fixture {
	t.Helper()
	rb, diags := loadRunbook(t, src, reg)
	if diags.HasErrors() {
		t.Fatalf("runbook: %s", diags.Error())
	}
	p, diags := engine.BuildPlan(rb, engine.Parallelism(parallelism, rb))
	if diags.HasErrors() {
		t.Fatalf("plan: %s", diags.Error())
	}
	fleet, err := sim.ServeRunbook(rb)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fleet.Close() })
	return &fixture{rb: rb, plan: p, fleet: fleet, opts: engine.Options{
		Parallelism: p.Parallelism,
		Drivers:     reg,
		Endpoints:   fleet.Endpoints,
		Secrets:     rb.Secrets(),
	}}
}

func (f *fixture) apply(ctx context.Context) *engine.Report {
	return engine.Apply(ctx, f.rb, f.plan, f.opts)
}

func device(t *testing.T, rep *engine.Report, name string) engine.DeviceResult {
	t.Helper()
	for _, d := range rep.Devices {
		if d.Name == name {
			return d
		}
	}
	t.Fatalf("no device %q in report", name)
	return engine.DeviceResult{}
}

func statuses(d engine.DeviceResult) map[string]engine.Status {
	m := map[string]engine.Status{}
	for _, s := range d.Steps {
		m[s.Task] = s.Status
	}
	return m
}

const header = `
variable "password" {
  type      = string
  default   = "s3cr3t-Pa55"
  sensitive = true
}
credentials "lab" {
  username = "cisco"
  password = var.password
  enable   = var.password
}
`

func TestApplyOrderAndSessionReuse(t *testing.T) {
	t.Parallel()
	f := newFixture(t, header+labDevice("r1", "192.0.2.1")+labDevice("r2", "192.0.2.2")+`
command "second" {
  commands   = ["show ip interface brief"]
  depends_on = [command.first]
}
command "first" {
  commands = ["show clock", "show version"]
}
command "third" {
  commands   = ["show clock"]
  depends_on = [command.second, command.first]
}
`, 2)
	// The plan orders each device's steps by dependency, not declaration.
	for _, d := range f.plan.Devices {
		var got []string
		for _, s := range d.Steps {
			got = append(got, s.Task)
		}
		want := []string{"command.first", "command.second", "command.third"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s plan order (-want +got):\n%s", d.Name, diff)
		}
	}
	rep := f.apply(context.Background())
	for _, name := range []string{"r1", "r2"} {
		d := device(t, rep, name)
		if d.Status != engine.OK {
			t.Fatalf("%s: %s %s", name, d.Status, d.Error)
		}
		for i := 1; i < len(d.Steps); i++ {
			if d.Steps[i].Started.Before(d.Steps[i-1].Finished) {
				t.Errorf("%s: %s started before %s finished", name, d.Steps[i].Task, d.Steps[i-1].Task)
			}
		}
		if got := len(d.Steps[0].Results); got != 2 {
			t.Errorf("%s: first step has %d results, want 2", name, got)
		}
		if out := d.Steps[0].Results[0].Output; !strings.Contains(out, "UTC") || strings.Contains(out, name+"#") {
			t.Errorf("%s: show clock output = %q, want the clock without prompt", name, out)
		}
		// One SSH session per device, reused by its three steps.
		if got := f.fleet.Servers[name].Sessions(); got != 1 {
			t.Errorf("%s: %d SSH sessions, want 1", name, got)
		}
	}
}

func TestApplyFailureIsolation(t *testing.T) {
	t.Parallel()
	f := newFixture(t, header+labDevice("good", "192.0.2.1")+labDevice("badauth", "192.0.2.2", `sim { password = "not-what-we-send" }`)+labDevice("rejects", "192.0.2.3")+
		block("command", "probe", `devices = [device.good, device.badauth]`, `commands = ["show clock"]`)+
		block("command", "bogus", `devices = [device.rejects]`, `commands = ["show flux capacitor"]`)+
		block("command", "after_bogus", `devices = [device.rejects]`, `commands = ["show clock"]`, `depends_on = [command.bogus]`)+
		block("command", "independent", `devices = [device.rejects, device.good]`, `commands = ["show version"]`), 3)
	rep := f.apply(context.Background())

	good := device(t, rep, "good")
	if good.Status != engine.OK {
		t.Errorf("good: %s %s", good.Status, good.Error)
	}

	bad := device(t, rep, "badauth")
	if bad.Status != engine.Failed || !strings.Contains(bad.Error, "badauth") || !strings.Contains(strings.ToLower(bad.Error), "auth") {
		t.Errorf("badauth: status %s, error %q; want failed with an authentication error naming the device", bad.Status, bad.Error)
	}

	rej := device(t, rep, "rejects")
	want := map[string]engine.Status{
		"command.bogus":       engine.Failed,
		"command.after_bogus": engine.Skipped,
		"command.independent": engine.OK,
	}
	if diff := cmp.Diff(want, statuses(rej)); diff != "" {
		t.Errorf("rejects step statuses (-want +got):\n%s", diff)
	}
	if !strings.Contains(rej.Error, "Invalid input") {
		t.Errorf("rejects error = %q, want the device's Invalid input message", rej.Error)
	}
	for _, s := range rej.Steps {
		if s.Task == "command.bogus" && (len(s.Results) != 1 || !strings.Contains(s.Results[0].Output, "^")) {
			t.Errorf("rejected command keeps no raw output: %+v", s.Results)
		}
	}

	res := rep.Results()
	if _, ok := res.Outputs["probe"]["good"]; !ok {
		t.Error("good's probe output missing from results")
	}
	if diff := cmp.Diff([]string{"badauth"}, res.Failed["probe"]); diff != "" {
		t.Errorf("failed devices for probe (-want +got):\n%s", diff)
	}
}

func TestApplyParallelismBound(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(header)
	for i := range 9 {
		b.WriteString(`device "d` + string(rune('a'+i)) + `" {
  host = "192.0.2.10"
  credentials = credentials.lab
  sim { latency = "20ms" }
}
`)
	}
	b.WriteString(`command "clock" { commands = ["show clock", "show clock"] }`)
	f := newFixture(t, b.String(), 3)
	rep := f.apply(context.Background())
	if ok, failed, other := rep.Counts(); ok != 9 {
		t.Fatalf("ok=%d failed=%d other=%d", ok, failed, other)
	}
	// Never more than the limit; and with nine 40 ms devices it is reached.
	if rep.MaxConcurrent != 3 {
		t.Errorf("peak concurrent sessions = %d, want 3", rep.MaxConcurrent)
	}
}

func TestApplyCrossDeviceDependencyNoDeadlock(t *testing.T) {
	t.Parallel()
	// With one slot, r1 waits for r2's step while r2 waits for r1's: the
	// walk must hand the slot over instead of holding it while waiting.
	f := newFixture(t, header+labDevice("r1", "192.0.2.1")+labDevice("r2", "192.0.2.2")+
		block("command", "a", `devices = [device.r2]`, `commands = ["show clock"]`)+
		block("command", "b", `devices = [device.r1]`, `commands = ["show clock"]`, `depends_on = [command.a]`)+
		block("command", "c", `devices = [device.r2]`, `commands = ["show clock"]`, `depends_on = [command.b]`), 1)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rep := f.apply(ctx)
	if ok, failed, other := rep.Counts(); ok != 2 {
		t.Fatalf("ok=%d failed=%d other=%d: %+v", ok, failed, other, rep.Devices)
	}
}

func TestApplyCancel(t *testing.T) {
	t.Parallel()
	f := newFixture(t, header+labDevice("fast", "192.0.2.1")+labDevice("hangs", "192.0.2.2", `timeout = "1m"`, `sim { hang_on = ["show tech-support"] }`)+`
command "clock" {
  commands = ["show clock"]
}
command "fast_last" {
  devices    = [device.fast]
  commands   = ["show version"]
  depends_on = [command.clock]
}
command "tech" {
  # Waits for fast to finish (a cross-device dependency), then hangs.
  devices    = [device.hangs]
  commands   = ["show tech-support"]
  depends_on = [command.clock, command.fast_last]
}
command "later" {
  devices    = [device.hangs]
  commands   = ["show clock"]
  depends_on = [command.tech]
}
`, 2)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan *engine.Report)
	go func() { done <- f.apply(ctx) }()
	// Cancel once the hanging command has been sent: wait on the
	// simulator's record of it, not on a fixed sleep.
	drivertest.WaitFor(t, 10*time.Second, func() bool { return slices.Contains(f.fleet.Servers["hangs"].Commands(), "show tech-support") })
	cancel()
	var rep *engine.Report
	select {
	case rep = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("apply did not return after cancel")
	}
	if d := device(t, rep, "fast"); d.Status != engine.OK {
		t.Errorf("fast: %s %s", d.Status, d.Error)
	}
	want := map[string]engine.Status{
		"command.clock": engine.OK,
		"command.tech":  engine.Cancelled,
		"command.later": engine.Cancelled,
	}
	if diff := cmp.Diff(want, statuses(device(t, rep, "hangs"))); diff != "" {
		t.Errorf("hangs statuses (-want +got):\n%s", diff)
	}
}

func TestApplyMasksSecretsInStateAndErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t, header+labDevice("r1", "192.0.2.1")+`
command "leak" {
  # A command that makes the device echo the secret back.
  commands = ["show ${var.password}"]
}
`, 1)
	rep := f.apply(context.Background())
	dir := writeState(t, rep, nil)
	data, err := os.ReadFile(filepath.Join(dir, state.File))
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(rep)
	for what, text := range map[string]string{"state": string(data), "report": string(js)} {
		if strings.Contains(text, "s3cr3t-Pa55") {
			t.Errorf("%s contains the password:\n%s", what, text)
		}
		if !strings.Contains(text, "(sensitive)") {
			t.Errorf("%s does not show the masked command:\n%s", what, text)
		}
	}
	fi, err := os.Stat(filepath.Join(dir, state.File))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("state mode = %v, want 0600", fi.Mode().Perm())
	}
}

func TestPlanCycle(t *testing.T) {
	t.Parallel()
	reg := registry(t)
	rb, diags := loadRunbook(t, header+labDevice("r1", "192.0.2.1")+
		block("command", "a", `commands = ["show clock"]`, `depends_on = [command.c]`)+
		block("command", "b", `commands = ["show clock"]`, `depends_on = [command.a]`)+
		block("command", "c", `commands = ["show clock"]`, `depends_on = [command.b]`), reg)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	_, diags = engine.BuildPlan(rb, 1)
	if !diags.HasErrors() {
		t.Fatal("no cycle reported")
	}
	msg := diags.Error()
	if !strings.Contains(msg, "command.a → command.b → command.c → command.a") {
		t.Errorf("cycle diagnostic %q does not name the blocks in order", msg)
	}
	if diags[0].Subject == nil || diags[0].Subject.Start.Line == 0 {
		t.Errorf("cycle diagnostic has no location: %+v", diags[0])
	}
}

func TestStateRoundTrip(t *testing.T) {
	t.Parallel()
	f := newFixture(t, header+labDevice("r1", "192.0.2.1")+`
command "clock" { commands = ["show clock"] }
output "clock" { value = command.clock.output }
output "secret" {
  value     = var.password
  sensitive = true
}
`, 1)
	rep := f.apply(context.Background())
	outs, diags := f.rb.EvalOutputs(rep.Results())
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	dir := writeState(t, rep, outs)
	got, err := state.NewLocal(dir, false).ReadState()
	if err != nil {
		t.Fatal(err)
	}
	// The output is command.clock.output: the state refers to r1's result.
	if o := got.Outputs["clock"]; o.From != "command.clock" || o.Value != nil {
		t.Errorf("clock output stored as %+v, want a reference to the results", o)
	}
	o, _, err := got.Output("clock")
	if err != nil {
		t.Fatal(err)
	}
	var clock map[string]string
	if err := json.Unmarshal(o.Value, &clock); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(clock["r1"], "UTC") {
		t.Errorf("clock output = %v", clock)
	}
	if s := got.Outputs["secret"]; !s.Sensitive || s.Value != nil {
		t.Errorf("sensitive output stored: %+v", s)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 || entries[0].Name() != state.PrivateDir || entries[1].Name() != state.File {
		t.Errorf("state dir has %v, want only the state file and .netrun/ (no temp files)", entries)
	}
}

// writeState writes the state of rep and outs to a new directory.
func writeState(t *testing.T, rep *engine.Report, outs map[string]config.OutputValue) string {
	t.Helper()
	saved, diags := engine.OutputStates(outs, nil)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	st := engine.NewState(nil, rep, saved)
	dir := t.TempDir()
	if err := state.NewLocal(dir, false).WriteState(st); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestApplyCommandTimeout(t *testing.T) {
	t.Parallel()
	f := newFixture(t, header+labDevice("r1", "192.0.2.1", `sim { hang_on = ["show tech-support"] }`)+`
command "tech" {
  commands = ["show tech-support"]
  timeout  = "300ms"
}
command "clock" {
  commands = ["show clock"]
}
`, 1)
	rep := f.apply(context.Background())
	d := device(t, rep, "r1")
	want := map[string]engine.Status{"command.tech": engine.Failed, "command.clock": engine.OK}
	if diff := cmp.Diff(want, statuses(d)); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	for _, w := range []string{"r1", `"show tech-support"`, "timed out", "waiting for a prompt matching", "ending"} {
		if !strings.Contains(d.Error, w) {
			t.Errorf("timeout error lacks %q: %s", w, d.Error)
		}
	}
	// The hung session is dropped; the independent step gets a new one.
	if got := f.fleet.Servers["r1"].Sessions(); got != 2 {
		t.Errorf("%d sessions, want 2 (one replaced after the timeout)", got)
	}
}

func TestPlanMasksSecrets(t *testing.T) {
	t.Parallel()
	f := newFixture(t, header+labDevice("r1", "192.0.2.1")+`
command "conf" {
  commands = ["show run | include ${var.password}"]
}
`, 1)
	js, _ := json.Marshal(f.plan)
	if strings.Contains(string(js), "s3cr3t-Pa55") || !strings.Contains(string(js), "(sensitive)") {
		t.Errorf("plan shows the secret or no mask: %s", js)
	}
	// Apply still sends the real command (the device's echo is masked).
	rep := f.apply(context.Background())
	if d := device(t, rep, "r1"); d.Status != engine.OK {
		t.Fatalf("%s %s", d.Status, d.Error)
	}
	if got := f.fleet.Servers["r1"].Commands(); !slices.Contains(got, "show run | include s3cr3t-Pa55") {
		t.Errorf("device received %q, want the unmasked command", got)
	}
}

// panicky is a driver whose sessions panic on one command, standing in for
// a driver bug.
type panicky struct{ drivers.Driver }

type panickySession struct{ drivers.Session }

func (p panicky) Open(ctx context.Context, t drivers.Target) (drivers.Session, error) {
	s, err := p.Driver.Open(ctx, t)
	return panickySession{s}, err
}

func (s panickySession) Run(ctx context.Context, cmd string, opts ...drivers.RunOption) (drivers.Result, error) {
	if cmd == "show boom" {
		panic("driver bug")
	}
	return s.Session.Run(ctx, cmd, opts...)
}

func TestApplyDriverPanicFailsOnlyThatDevice(t *testing.T) {
	t.Parallel()
	reg := registry(t)
	reg["panicky"] = panicky{reg["ssh"]}
	f := newFixtureWith(t, reg, header+labDevice("ok", "192.0.2.1", `driver = "panicky"`)+labDevice("boom", "192.0.2.2", `driver = "panicky"`)+
		block("command", "first", `commands = ["show clock"]`)+
		block("command", "boom", `devices = [device.boom]`, `commands = ["show boom"]`, `depends_on = [command.first]`)+
		block("command", "after", `commands = ["show clock"]`, `depends_on = [command.boom]`), 2)
	rep := f.apply(context.Background())
	boom := device(t, rep, "boom")
	want := map[string]engine.Status{"command.first": engine.OK, "command.boom": engine.Failed, "command.after": engine.Failed}
	if diff := cmp.Diff(want, statuses(boom)); diff != "" {
		t.Errorf("boom statuses (-want +got):\n%s", diff)
	}
	if !strings.Contains(boom.Error, "internal error in driver: driver bug") {
		t.Errorf("boom error = %q", boom.Error)
	}
	// "after" on ok depends on every "boom" step (boom does not run on ok),
	// so it is skipped; ok's own first step succeeded.
	okd := device(t, rep, "ok")
	want = map[string]engine.Status{"command.first": engine.OK, "command.after": engine.Skipped}
	if diff := cmp.Diff(want, statuses(okd)); diff != "" {
		t.Errorf("ok statuses (-want +got):\n%s", diff)
	}
}
