package engine_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/plan"
	"github.com/netrun/netrun/engine/state"
)

// selectRunbook has tagged devices, a for_each block, a same-device
// dependency (clock after version) and a cross-device one (report on
// dc2-r1 after backup on dc1-r1).
func selectRunbook() string {
	return header +
		labDevice("dc1-r1", "192.0.2.1", `tags = ["core"]`) +
		labDevice("dc1-r2", "192.0.2.2", `tags = ["edge"]`) +
		labDevice("dc2-r1", "192.0.2.3", `tags = ["core", "edge"]`) +
		labDevice("r7", "192.0.2.7", "groups = [group.branch]") +
		"group \"branch\" {\n  tags = [\"far\"]\n}\n" +
		block("device", "r", `for_each = { a = "192.0.2.10", b = "192.0.2.11" }`, "host = each.value", "credentials = credentials.lab") +
		block("command", "version", `commands = ["show version"]`) +
		block("command", "clock", `commands = ["show clock"]`, "depends_on = [command.version]") +
		block("command", "backup", `commands = ["show run"]`, "devices = [device.dc1-r1]") +
		block("command", "report", `commands = ["show ip int brief"]`, "devices = [device.dc2-r1]", "depends_on = [command.backup]")
}

func TestSelect(t *testing.T) {
	t.Parallel()
	rb, diags := loadRunbook(t, selectRunbook(), registry(t))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	whole, diags := engine.BuildPlan(rb, 1)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	// The last run: dc1-r2 failed, a was interrupted; r7 was left out, so
	// it is stale, with its earlier result ok; b was ok before and the
	// last run was interrupted before it reached b.
	store := state.NewLocal(t.TempDir(), false)
	if err := store.WriteState(&state.State{Version: state.Version, Devices: map[string]state.DeviceState{
		"dc1-r1": {Status: state.OK}, "dc1-r2": {Status: state.Failed},
		"dc2-r1": {Status: state.OK}, "r7": {Status: state.OK, Stale: true}, "a": {Status: state.Cancelled},
		"b": {Status: state.OK, Stale: true, Unfinished: true},
	}}); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name    string
		sel     plan.Selection
		want    map[string]string // device: its steps' tasks
		warn    string
		wantErr string
	}{
		{name: "name", sel: plan.Selection{Limit: "r7"}, want: map[string]string{"r7": "version clock"}},
		{name: "list", sel: plan.Selection{Limit: "r7, a"}, want: map[string]string{"r7": "version clock", "a": "version clock"}},
		{name: "glob", sel: plan.Selection{Limit: "dc1-*"}, want: map[string]string{"dc1-r1": "version clock backup", "dc1-r2": "version clock"}},
		{name: "group", sel: plan.Selection{Limit: "group:bra*"}, want: map[string]string{"r7": "version clock"}},
		{name: "tag", sel: plan.Selection{Limit: "tag:core"}, want: map[string]string{"dc1-r1": "version clock backup", "dc2-r1": "version clock report"}},
		{name: "intersection", sel: plan.Selection{Limit: "tag:core,&tag:edge"}, want: map[string]string{"dc2-r1": "version clock report", "dc1-r1": "backup"}},
		{name: "negation", sel: plan.Selection{Limit: "dc*,!dc2-r1"}, want: map[string]string{"dc1-r1": "version clock backup", "dc1-r2": "version clock"}},
		{name: "negation alone", sel: plan.Selection{Limit: "!dc*"}, want: map[string]string{"r7": "version clock", "a": "version clock", "b": "version clock"}},
		{name: "failed", sel: plan.Selection{Limit: "@failed"}, want: map[string]string{"dc1-r2": "version clock", "a": "version clock", "b": "version clock"}},
		{name: "failed but", sel: plan.Selection{Limit: "@failed,!tag:edge"}, want: map[string]string{"a": "version clock", "b": "version clock"}},
		{name: "for_each address", sel: plan.Selection{Targets: []string{`device.r["b"]`}}, want: map[string]string{"b": "version clock"}},
		{name: "for_each block", sel: plan.Selection{Targets: []string{`device.r`}}, want: map[string]string{"a": "version clock", "b": "version clock"}},
		{name: "device name", sel: plan.Selection{Targets: []string{`device.a`, `device.r7`}}, want: map[string]string{"a": "version clock", "r7": "version clock"}},
		{name: "task pulls its dependency", sel: plan.Selection{Targets: []string{"command.clock"}, Limit: "r7"}, want: map[string]string{"r7": "version clock"}},
		{name: "task without dependency", sel: plan.Selection{Targets: []string{"command.version"}, Limit: "a,b"}, want: map[string]string{"a": "version", "b": "version"}},
		{name: "cross-device dependency", sel: plan.Selection{Targets: []string{"command.report"}}, want: map[string]string{"dc2-r1": "report", "dc1-r1": "backup"}},
		{name: "task on a device", sel: plan.Selection{Targets: []string{"command.clock", "device.dc2-r1"}}, want: map[string]string{"dc2-r1": "version clock"}},
		{name: "limit narrows targets", sel: plan.Selection{Targets: []string{"device.r"}, Limit: "b"}, want: map[string]string{"b": "version clock"}},
		{name: "a term matching nothing warns", sel: plan.Selection{Limit: "r7,r99"}, want: map[string]string{"r7": "version clock"}, warn: "-limit term r99 matches no device"},

		{name: "nothing", sel: plan.Selection{Limit: "r99,tag:nope"}, wantErr: "no device is selected by -limit=r99,tag:nope: -limit term r99 matches no device; -limit term tag:nope matches no device"},
		{name: "empty intersection", sel: plan.Selection{Limit: "r7,&tag:core"}, wantErr: "the terms together leave none"},
		{name: "unknown target", sel: plan.Selection{Targets: []string{"device.nope", "command.nope"}}, wantErr: "-target=device.nope matches no device; -target=command.nope matches no command block"},
		{name: "task not on the device", sel: plan.Selection{Targets: []string{"command.backup", "device.r7"}}, wantErr: "the targeted blocks run on none of the selected devices"},
		{name: "bad address", sel: plan.Selection{Targets: []string{"r1"}}, wantErr: `invalid -target "r1": an address is device.NAME`},
		{name: "bad index", sel: plan.Selection{Targets: []string{"device.r[0]"}}, wantErr: `invalid -target "device.r[0]"`},
		{name: "bad kind", sel: plan.Selection{Targets: []string{"output.x"}}, wantErr: `invalid -target "output.x"`},
		{name: "bad glob", sel: plan.Selection{Limit: "r[1"}, wantErr: `invalid -limit "r[1": r[1 is not a valid glob`},
		{name: "empty term", sel: plan.Selection{Limit: "r1,,r2"}, wantErr: "an empty term"},
		{name: "unknown set", sel: plan.Selection{Limit: "@all"}, wantErr: "unknown set @all"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, warnings, err := engine.Select(rb, whole, tc.sel, store)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			steps := map[string]string{}
			for _, d := range got.Devices {
				var tasks []string
				for _, s := range d.Steps {
					tasks = append(tasks, strings.TrimPrefix(s.Task, "command."))
				}
				steps[d.Name] = strings.Join(tasks, " ")
			}
			if diff := cmp.Diff(tc.want, steps); diff != "" {
				t.Errorf("selected steps (-want +got):\n%s", diff)
			}
			if w := strings.Join(warnings, "\n"); w != tc.warn {
				t.Errorf("warnings = %q, want %q", w, tc.warn)
			}
			if got.Selection == nil || got.Selection.Limit != tc.sel.Limit || !cmp.Equal(got.Selection.Targets, tc.sel.Targets) {
				t.Errorf("the plan records selection %+v, want %+v", got.Selection, tc.sel)
			}
			// Every dependency of a kept step is kept.
			ids := map[string]bool{}
			for _, d := range got.Devices {
				for _, s := range d.Steps {
					ids[plan.ID(s.Task, d.Name)] = true
				}
			}
			for _, d := range got.Devices {
				for _, s := range d.Steps {
					for _, dep := range s.DependsOn {
						if !ids[dep] {
							t.Errorf("%s needs %s, which the selection dropped", plan.ID(s.Task, d.Name), dep)
						}
					}
				}
			}
		})
	}
	if got := whole.Steps(); got != 6*2+2 {
		t.Errorf("Select changed the whole plan: %d steps", got)
	}
	if _, _, err := engine.Select(rb, whole, plan.Selection{Limit: "@failed"}, state.NewLocal(t.TempDir(), false)); err == nil || !strings.Contains(err.Error(), "no run is recorded") {
		t.Errorf("@failed without a recorded run: %v", err)
	}
}
