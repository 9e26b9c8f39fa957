package engine_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/plan"
	"github.com/netrun/netrun/engine/state"
)

// iosConfig is the running configuration the simulated routers of these
// tests start with.
const iosConfig = `hostname r1
!
ntp server 192.0.2.99
ntp server 10.0.0.1
!
interface GigabitEthernet1
 description mgmt
 ip address 192.168.100.1 255.255.255.0
!
interface GigabitEthernet2
 description old uplink
 ip address 10.0.12.1 255.255.255.0
 mtu 9000
 shutdown
!
interface GigabitEthernet3
 no ip address
 shutdown
!
line vty 0 4
 login local
 transport input ssh
!
end
`

const desiredBlocks = `
config "ntp" {
  text   = <<-EOT
    ntp server 10.0.0.1
    ntp server 10.0.0.2
  EOT
  absent = "ntp server 192.0.2.99"
}
config "uplink" {
  match = "exact"
  text  = <<-EOT
    interface GigabitEthernet2
     description uplink to ${self.name}-core
     ip address 10.0.12.1 255.255.255.0
  EOT
  depends_on = [config.ntp]
}
`

// simDevice is a lab device whose simulator starts with the running
// configuration cfg; extra are further lines of its sim block.
func simDevice(name, host, cfg string, extra ...string) string {
	sim := append([]string{"sim {", "  config = <<-EOT\n" + cfg + "EOT"}, extra...)
	return labDevice(name, host, append(sim, "}")...)
}

func convergeRunbook(devices ...string) string {
	src := header
	for _, d := range devices {
		src += simDevice(d, "192.0.2.1", strings.ReplaceAll(iosConfig, "hostname r1", "hostname "+d))
	}
	return src + desiredBlocks
}

// refreshed plans f's runbook against its simulators.
func refreshed(t *testing.T, f *fixture) *plan.Plan {
	t.Helper()
	p, diags := engine.BuildPlan(f.rb, 4)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if st := engine.Refresh(context.Background(), f.rb, p, f.opts); st.Failed > 0 {
		t.Fatalf("refresh: %+v", p)
	}
	return p
}

func diffOf(t *testing.T, p *plan.Plan, device, task string) []string {
	t.Helper()
	for _, d := range p.Devices {
		if d.Name != device {
			continue
		}
		for _, s := range d.Steps {
			if s.Task == task {
				return s.Config.Diff
			}
		}
	}
	t.Fatalf("no step %s on %s", task, device)
	return nil
}

// trimAll normalises diff lines to "OP text": "-  mtu 9000" (a child under
// a "~" section) becomes "- mtu 9000".
func trimAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		s = strings.TrimSpace(s)
		if len(s) > 1 {
			s = s[:1] + " " + strings.TrimSpace(s[1:])
		}
		out[i] = s
	}
	return out
}

// TestConvergePlanApplyIdempotent: the plan shows the right lines for
// merge, absent and exact sections; apply converges; the next plan has no
// changes.
func TestConvergePlanApplyIdempotent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, convergeRunbook("r1", "r2"), 2)
	f.opts.TranscriptDir = t.TempDir()
	f.rb.Dir = t.TempDir()
	p := refreshed(t, f)

	ntp := trimAll(diffOf(t, p, "r1", "config.ntp"))
	for _, want := range []string{"+ ntp server 10.0.0.2", "- ntp server 192.0.2.99"} {
		if !slices.Contains(ntp, want) {
			t.Errorf("config.ntp diff lacks %q: %q", want, ntp)
		}
	}
	if slices.Contains(ntp, "+ ntp server 10.0.0.1") {
		t.Errorf("config.ntp adds a line that is already there: %q", ntp)
	}
	uplink := trimAll(diffOf(t, p, "r2", "config.uplink"))
	for _, want := range []string{"~ interface GigabitEthernet2", "+ description uplink to r2-core", "- mtu 9000", "- shutdown"} {
		if !slices.Contains(uplink, want) {
			t.Errorf("config.uplink diff lacks %q: %q", want, uplink)
		}
	}
	if slices.ContainsFunc(uplink, func(l string) bool {
		return strings.Contains(l, "GigabitEthernet3") || strings.Contains(l, "ip address")
	}) {
		t.Errorf("exact match touched lines it should not: %q", uplink)
	}

	rep := engine.Apply(context.Background(), f.rb, p, f.opts)
	if ok, _, _ := rep.Counts(); ok != 2 {
		t.Fatalf("apply: %s", firstError(rep))
	}
	run := f.fleet.Servers["r1"].RunningConfig()
	for _, want := range []string{"ntp server 10.0.0.2", " description uplink to r1-core"} {
		if !strings.Contains(run, want) {
			t.Errorf("running config lacks %q:\n%s", want, run)
		}
	}
	if strings.Contains(run, "192.0.2.99") || strings.Contains(run, "mtu 9000") {
		t.Errorf("running config keeps removed lines:\n%s", run)
	}
	backup, err := os.ReadFile(filepath.Join(f.rb.Dir, state.BackupDir, "r1.cfg"))
	if err != nil || !strings.Contains(string(backup), "ntp server 192.0.2.99") {
		t.Errorf("backup of r1 before the change: %v\n%s", err, backup)
	}

	again := refreshed(t, f)
	for _, d := range again.Devices {
		for _, s := range d.Steps {
			if s.Config.Changes() {
				t.Errorf("%s %s still has changes after apply: %q", d.Name, s.Task, s.Config.Diff)
			}
		}
	}
}

// TestConvergeStalePlan: a saved plan applied after someone changed one
// device out of band refuses that device and applies the others.
func TestConvergeStalePlan(t *testing.T) {
	t.Parallel()
	f := newFixture(t, convergeRunbook("r1", "r2", "r3"), 3)
	f.rb.Dir = t.TempDir()
	p := refreshed(t, f)
	path := filepath.Join(t.TempDir(), "tfplan")
	if err := plan.WriteFile(path, p); err != nil {
		t.Fatal(err)
	}
	// Someone adds a line on r2 by hand.
	r2 := f.fleet.Servers["r2"]
	if err := r2.SetRunningConfig(strings.Replace(r2.RunningConfig(), "ntp server 10.0.0.1", "ntp server 10.0.0.1\nntp server 203.0.113.5", 1)); err != nil {
		t.Fatal(err)
	}
	before := r2.RunningConfig()
	saved, err := plan.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rep := engine.Apply(context.Background(), f.rb, saved, f.opts)
	for _, name := range []string{"r1", "r3"} {
		if d := device(t, rep, name); d.Status != engine.OK {
			t.Errorf("%s: %s %s", name, d.Status, d.Error)
		}
	}
	d := device(t, rep, "r2")
	if d.Status != engine.Failed || !strings.Contains(d.Error, "stale plan") {
		t.Errorf("r2: %s %q, want a stale plan error", d.Status, d.Error)
	}
	if after := r2.RunningConfig(); after != before {
		t.Errorf("r2 was changed although its plan was stale:\n%s", after)
	}
}

// TestConvergeRollback: a device that rejects one line is restored to its
// configuration before the change, while the others converge.
func TestConvergeRollback(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, reject, block string
	}{
		{"added lines", "ntp server 10.0.0.3", `
config "ntp" {
  text   = <<-EOT
    ntp server 10.0.0.2
    ntp server 10.0.0.3
  EOT
  absent = "ntp server 192.0.2.99"
}
`},
		// A single-valued setting replaced before the rejected line must
		// come back with its old value, not merely be negated.
		{"replaced setting", "mtu 1500", `
config "uplink" {
  text = <<-EOT
    interface GigabitEthernet2
     description new uplink
     mtu 1500
  EOT
}
`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := header + simDevice("good", "192.0.2.1", iosConfig) +
				simDevice("picky", "192.0.2.2", iosConfig, `  reject_lines = ["`+tc.reject+`"]`) + tc.block
			f := newFixture(t, src, 2)
			f.rb.Dir = t.TempDir()
			before := f.fleet.Servers["picky"].RunningConfig()
			p := refreshed(t, f)
			rep := engine.Apply(context.Background(), f.rb, p, f.opts)
			if d := device(t, rep, "good"); d.Status != engine.OK {
				t.Errorf("good: %s %s", d.Status, d.Error)
			}
			d := device(t, rep, "picky")
			if d.Status != engine.Failed || !strings.Contains(d.Error, "rolled back") || !strings.Contains(d.Error, `rejected "`+tc.reject+`"`) {
				t.Errorf("picky: %s %q, want failed and rolled back", d.Status, d.Error)
			}
			if !d.Steps[0].Config.RolledBack {
				t.Errorf("picky outcome does not say rolled back: %+v", d.Steps[0].Config)
			}
			after := f.fleet.Servers["picky"].RunningConfig()
			if diff := cmp.Diff(sortedLines(before), sortedLines(after)); diff != "" {
				t.Errorf("picky's running config after the rollback differs from before (-before +after):\n%s", diff)
			}
			if !strings.Contains(f.fleet.Servers["good"].RunningConfig(), tc.reject) {
				t.Error("good did not converge")
			}
		})
	}
}

// sortedLines is a configuration's lines sorted: devices may list lines
// removed and re-added (ntp servers) in another order.
func sortedLines(s string) []string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	slices.Sort(lines)
	return lines
}

// TestConvergeDetails: save = "always" saves a converged device; drift is
// tracked from a device that needed no change; a saved plan is refused
// when the runbook's desired state changed; secrets in the running
// configuration are masked in diffs and backups.
func TestConvergeDetails(t *testing.T) {
	t.Parallel()
	src := header + simDevice("r1", "192.0.2.1", `hostname r1
ntp server 10.0.0.1
line vty 0 4
 password s3cr3t-Pa55
 login
end
`) + `
config "ntp" {
  text = "ntp server 10.0.0.1"
  save = "always"
}
config "vty" {
  match = "exact"
  text  = "line vty 0 4\n login local"
}
`
	f := newFixture(t, src, 1)
	f.rb.Dir = t.TempDir()
	r1 := f.fleet.Servers["r1"]
	p := refreshed(t, f)
	vty := strings.Join(diffOf(t, p, "r1", "config.vty"), "\n")
	if strings.Contains(vty, "s3cr3t-Pa55") || !strings.Contains(vty, "password (sensitive)") {
		t.Errorf("the vty diff shows the password or no mask:\n%s", vty)
	}
	js, _ := json.Marshal(p)
	if strings.Contains(string(js), "s3cr3t-Pa55") {
		t.Errorf("the saved plan holds the password: %s", js)
	}
	rep := engine.Apply(context.Background(), f.rb, p, f.opts)
	if ok, _, _ := rep.Counts(); ok != 1 {
		t.Fatalf("apply: %s", firstError(rep))
	}
	// One save, by the device's last config step, for both blocks.
	d := device(t, rep, "r1")
	if d.Steps[0].Config.Saved || !d.Steps[1].Config.Saved {
		t.Errorf("saved flags %v, %v: want the device saved once, by its last config step", d.Steps[0].Config.Saved, d.Steps[1].Config.Saved)
	}
	if !strings.Contains(r1.StartupConfig(), "login local") {
		t.Errorf("startup config lacks the change:\n%s", r1.StartupConfig())
	}
	for _, kind := range []string{state.BackupDir, state.AppliedDir} {
		data, err := os.ReadFile(filepath.Join(f.rb.Dir, kind, "r1.cfg"))
		if err != nil || strings.Contains(string(data), "s3cr3t-Pa55") {
			t.Errorf("%s/r1.cfg: %v, or it holds the password:\n%s", kind, err, data)
		}
	}

	// Drift is reported against what netrun verified, even for the ntp
	// block that changed nothing.
	st := engine.NewState(nil, rep, nil)
	if err := state.NewLocal(f.rb.Dir, false).WriteState(st); err != nil {
		t.Fatal(err)
	}
	if err := r1.SetRunningConfig(r1.RunningConfig() + "\nlogging host 192.0.2.50\n"); err != nil {
		t.Fatal(err)
	}
	drift, err := engine.Drift(context.Background(), f.rb, refreshed(t, f), f.opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(drift) != 1 || drift[0].Status != engine.Drifted || !slices.Contains(trimAll(drift[0].Lines), "+ logging host 192.0.2.50") {
		t.Errorf("drift = %+v", drift)
	}

	// A plan, then the runbook changes: the plan is stale for that block.
	p = refreshed(t, f)
	for i := range f.rb.Configs {
		if f.rb.Configs[i].Name == "ntp" {
			f.rb.Configs[i].Text["r1"] = "ntp server 10.0.0.7"
		}
	}
	rep = engine.Apply(context.Background(), f.rb, p, f.opts)
	if d := device(t, rep, "r1"); !strings.Contains(d.Error, `config.ntp: stale plan: its text changed since the plan was made (line 1 was "ntp server 10.0.0.1", now "ntp server 10.0.0.7")`) {
		t.Errorf("apply of a plan made before the runbook changed: %s", d.Error)
	}
}

// TestConvergeSaveAlways: save = "always" saves a device even when nothing
// changed; "never" does not save after a change.
func TestConvergeSaveAlways(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		save, text string
		saved      bool
	}{
		{"always", "ntp server 10.0.0.1", true},
		{"never", "ntp server 10.0.0.5", false},
	} {
		t.Run(tc.save, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, header+`
device "r1" {
  host        = "192.0.2.1"
  credentials = credentials.lab
  sim {
    config = "hostname r1\nntp server 10.0.0.1\nend\n"
  }
}
config "ntp" {
  text = "`+tc.text+`"
  save = "`+tc.save+`"
}
`, 1)
			f.rb.Dir = t.TempDir()
			rep := engine.Apply(context.Background(), f.rb, refreshed(t, f), f.opts)
			d := device(t, rep, "r1")
			if d.Status != engine.OK || d.Steps[0].Config.Saved != tc.saved {
				t.Errorf("status %s %q, saved %v, want saved %v", d.Status, d.Error, d.Steps[0].Config.Saved, tc.saved)
			}
		})
	}
}

// TestConvergeSendsTheWrittenSpelling: a config push sends the device's
// own spelling of a section it has, or the runbook's text as written,
// never a name the dialect made up: "eth0" is no IOS abbreviation, so it is
// not "Ethernet0" (on an FRRouting box it is another interface), and a
// listed abbreviation of a new section goes out as the user wrote it. The
// command log shows what was sent, since the simulated IOS, like IOS,
// expands names itself.
func TestConvergeSendsTheWrittenSpelling(t *testing.T) {
	t.Parallel()
	withEth0 := strings.Replace(iosConfig, "end\n", "interface Ethernet0\n description e0\n!\nend\n", 1)
	src := header + simDevice("r1", "192.0.2.1", iosConfig) + simDevice("r2", "192.0.2.2", withEth0) + `
config "names" {
  devices = [device.r1]
  text    = "interface Lo5\n description y\ninterface gi2\n description z\n"
}
config "eth" {
  devices  = [device.r2]
  rollback = "never"
  text     = "interface eth0\n description x\n"
}
`
	f := newFixture(t, src, 2)
	f.rb.Dir = t.TempDir()
	p := refreshed(t, f)
	if got, want := trimAll(diffOf(t, p, "r1", "config.names")), []string{
		"+ interface Lo5", "+ description y",
		"~ interface GigabitEthernet2", "- description old uplink", "+ description z",
	}; !cmp.Equal(got, want) {
		t.Errorf("config.names plan %q, want %q", got, want)
	}
	if got, want := trimAll(diffOf(t, p, "r2", "config.eth")), []string{"+ interface eth0", "+ description x"}; !cmp.Equal(got, want) {
		t.Errorf("config.eth plan %q, want %q", got, want)
	}

	rep := engine.Apply(context.Background(), f.rb, p, f.opts)
	if d := device(t, rep, "r1"); d.Status != engine.OK {
		t.Errorf("r1: %s %s", d.Status, d.Error)
	}
	if diff := cmp.Diff([]string{"interface Lo5", "description y", "exit", "interface GigabitEthernet2", "description z", "exit"},
		pushed(f.fleet.Servers["r1"].Commands())); diff != "" {
		t.Errorf("lines sent to r1 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"interface eth0", "description x", "exit"}, pushed(f.fleet.Servers["r2"].Commands())); diff != "" {
		t.Errorf("lines sent to r2 (-want +got):\n%s", diff)
	}
	// The simulated IOS filed eth0 under Ethernet0, as IOS would: the
	// desired "interface eth0" is not in its running configuration in any
	// spelling, so netrun must not call the device converged.
	if d := device(t, rep, "r2"); d.Status != engine.Failed || !strings.Contains(d.Error, "still differs") {
		t.Errorf("r2: %s %q, want a failed verification", d.Status, d.Error)
	}

	again := refreshed(t, f)
	if got := diffOf(t, again, "r1", "config.names"); len(got) != 0 {
		t.Errorf("r1 still has changes after apply (Loopback5 and GigabitEthernet2 are there): %q", got)
	}
	if got := trimAll(diffOf(t, again, "r2", "config.eth")); !slices.Contains(got, "+ interface eth0") {
		t.Errorf("r2 plan after apply %q: interface eth0 does not exist, the change is still to make", got)
	}
}

// pushed is what a device received in configuration mode, from its
// command log.
func pushed(cmds []string) []string {
	var out []string
	in := false
	for _, c := range cmds {
		switch {
		case c == "configure terminal":
			in = true
		case c == "end":
			in = false
		case in:
			out = append(out, c)
		}
	}
	return out
}
