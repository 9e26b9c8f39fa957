package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netrun/netrun/engine/state"
)

// selectRunbook has tagged routers in two sites, one for_each block, and
// show clock after show version.
const selectRunbook = labLogin + `
device "dc1-r1" {
  host        = "192.0.2.1"
  credentials = credentials.lab
  tags        = ["core"]
}
device "dc1-r2" {
  host        = "192.0.2.2"
  credentials = credentials.lab
  tags        = ["edge"]
}
device "edge" {
  for_each    = { dc2-r1 = "192.0.2.3", r7 = "192.0.2.7" }
  host        = each.value
  credentials = credentials.lab
  tags        = ["edge", "core"]
}
command "version" {
  commands = ["show version"]
}
command "clock" {
  commands   = ["show clock"]
  depends_on = [command.version]
}
`

// reached lists the devices the last apply in dir reached, each with the
// tasks it ran.
func reached(t *testing.T, dir string) map[string][]string {
	t.Helper()
	st, err := state.NewLocal(dir, true).ReadState()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for name, d := range st.Devices {
		if !d.Stale {
			out[name] = slices.Sorted(func(yield func(string) bool) {
				for task := range d.Commands {
					if !yield(task) {
						return
					}
				}
			})
		}
	}
	return out
}

// planned lists the devices of plan -json's plan, each with its tasks.
func planned(t *testing.T, stdout string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, e := range ofType(parseStream(t, stdout), "planned_change") {
		var c struct{ Device, Task string }
		if err := json.Unmarshal(e.Change, &c); err != nil {
			t.Fatalf("planned_change: %v\n%s", err, e.Change)
		}
		out[c.Device] = append(out[c.Device], c.Task)
	}
	for _, tasks := range out {
		slices.Sort(tasks)
	}
	return out
}

func TestSelectPlanAndApply(t *testing.T) {
	t.Parallel()
	both := []string{"command.clock", "command.version"}
	for _, tc := range []struct {
		name string
		args []string
		want map[string][]string
	}{
		{"names", []string{"-limit=dc1-r1,r7"}, map[string][]string{"dc1-r1": both, "r7": both}},
		{"glob and negation", []string{"-limit=dc*,!dc1-r2"}, map[string][]string{"dc1-r1": both, "dc2-r1": both}},
		{"tags intersect", []string{"-limit=tag:edge,&tag:core"}, map[string][]string{"dc2-r1": both, "r7": both}},
		{"for_each instance", []string{`-target=device.edge["r7"]`}, map[string][]string{"r7": both}},
		{"repeated targets", []string{"-target=device.dc1-r2", "-target=device.r7"}, map[string][]string{"dc1-r2": both, "r7": both}},
		{"a task and what it needs", []string{"-target=command.clock", "-limit=dc1-r2"}, map[string][]string{"dc1-r2": both}},
		{"a task alone", []string{"-target=command.version", "-limit=tag:core"}, map[string][]string{
			"dc1-r1": {"command.version"}, "dc2-r1": {"command.version"}, "r7": {"command.version"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := runbookDir(t, selectRunbook)
			code, stdout, stderr := runIn(t, dir, append([]string{"plan", "-sim", "-json"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("plan: exit %d\n%s", code, stderr)
			}
			if diff := cmp.Diff(tc.want, planned(t, stdout)); diff != "" {
				t.Errorf("plan selects (-want +got):\n%s", diff)
			}
			code, stdout, stderr = runIn(t, dir, append([]string{"apply", "-sim", "-auto-approve"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("apply: exit %d\n%s\n%s", code, stdout, stderr)
			}
			if diff := cmp.Diff(tc.want, reached(t, dir)); diff != "" {
				t.Errorf("apply ran (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSelectSavedPlan(t *testing.T) {
	t.Parallel()
	dir := runbookDir(t, selectRunbook)
	code, stdout, stderr := runIn(t, dir, "plan", "-sim", "-limit=tag:core,!r7", "-target=command.version", "-out=tfplan")
	if code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "Selected: -target=command.version -limit=tag:core,!r7") {
		t.Errorf("plan does not show its selection:\n%s", stdout)
	}
	var saved struct {
		Selection struct {
			Targets []string `json:"targets"`
			Limit   string   `json:"limit"`
		} `json:"selection"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "tfplan"))), &saved); err != nil {
		t.Fatal(err)
	}
	if saved.Selection.Limit != "tag:core,!r7" || !slices.Equal(saved.Selection.Targets, []string{"command.version"}) {
		t.Errorf("the saved plan records selection %+v", saved.Selection)
	}
	if code, _, stderr := runIn(t, dir, "apply", "-sim", "-limit=r7", "tfplan"); code != 1 || !strings.Contains(stderr, "a saved plan runs the selection it was made with") {
		t.Errorf("apply PLANFILE -limit: exit %d\n%s", code, stderr)
	}
	if code, stdout, stderr := runIn(t, dir, "apply", "-sim", "tfplan"); code != 0 {
		t.Fatalf("apply tfplan: exit %d\n%s\n%s", code, stdout, stderr)
	}
	want := map[string][]string{"dc1-r1": {"command.version"}, "dc2-r1": {"command.version"}}
	if diff := cmp.Diff(want, reached(t, dir)); diff != "" {
		t.Errorf("apply tfplan ran (-want +got):\n%s", diff)
	}
}

func TestSelectErrors(t *testing.T) {
	t.Parallel()
	dir := runbookDir(t, selectRunbook)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-limit=r99,tag:nope"}, "netrun: no device is selected by -limit=r99,tag:nope: -limit term r99 matches no device; -limit term tag:nope matches no device"},
		{[]string{"-target=device.nope"}, "-target=device.nope matches no device"},
		{[]string{"-target=r1"}, `netrun: invalid -target "r1": an address is device.NAME, device.NAME["KEY"], command.NAME or config.NAME`},
		{[]string{"-limit=r[1"}, `invalid -limit "r[1": r[1 is not a valid glob`},
		{[]string{"-limit=@failed"}, "-limit term @failed matches no device: no run is recorded"},
	} {
		for _, cmd := range []string{"plan", "apply"} {
			args := []string{cmd, "-sim"}
			if cmd == "apply" {
				args = append(args, "-auto-approve")
			}
			code, stdout, stderr := runIn(t, dir, append(args, tc.args...)...)
			if code != 1 || !strings.Contains(stderr, tc.want) {
				t.Errorf("%s %v: exit %d, want 1 and %q\nstdout:\n%s\nstderr:\n%s", cmd, tc.args, code, tc.want, stdout, stderr)
			}
		}
	}
	// A term that matches nothing is a warning when others match.
	code, _, stderr := runIn(t, dir, "plan", "-sim", "-limit=r7,r99")
	if code != 0 || !strings.Contains(stderr, "Warning: -limit term r99 matches no device") {
		t.Errorf("plan -limit=r7,r99: exit %d\n%s", code, stderr)
	}
}

// TestSelectFailedRetry is the retry: after show-clock-errors fails r2,
// apply -limit @failed runs r2 alone, until it succeeds.
func TestSelectFailedRetry(t *testing.T) {
	t.Parallel()
	dir := copyExample(t, "show-clock-errors")
	if code, stdout, stderr := runIn(t, dir, "apply", "-sim", "-auto-approve"); code != 1 {
		t.Fatalf("first apply: exit %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr := runIn(t, dir, "apply", "-sim", "-auto-approve", "-limit", "@failed")
	if code != 1 || !regexp.MustCompile(`(?m)^  r2: .*authentication failed`).MatchString(stdout) || strings.Contains(stdout, "# sh clock") {
		t.Errorf("retry with the wrong password: exit %d, want 1 and r2 failing alone\n%s\n%s", code, stdout, stderr)
	}
	if diff := cmp.Diff(map[string][]string{"r2": {"command.clock"}}, reached(t, dir)); diff != "" {
		t.Errorf("the retry ran (-want +got):\n%s", diff)
	}
	code, stdout, stderr = runIn(t, dir, "apply", "-sim", "-auto-approve", "-limit", "@failed", "-var", "r2_password=cisco")
	if code != 0 || !strings.Contains(stdout, "r2# sh clock") || strings.Contains(stdout, "r1# sh clock") {
		t.Errorf("retry with the right password: exit %d, want 0 and r2 alone\n%s\n%s", code, stdout, stderr)
	}
	// The outputs hold every device's last result, not only the retried.
	code, stdout, _ = runIn(t, dir, "output", "-json", "clock")
	var clock map[string]string
	if err := json.Unmarshal([]byte(stdout), &clock); code != 0 || err != nil || len(clock) != 3 {
		t.Errorf("output clock after the retry: exit %d, want r1, r2 and r3\n%s", code, stdout)
	}
	// Nothing is left to retry: r1 and r3, left out of the retries, ended
	// ok in their last run.
	code, _, stderr = runIn(t, dir, "plan", "-sim", "-limit", "@failed")
	if code != 1 || !strings.Contains(stderr, "-limit term @failed matches no device: every device of the last run ended ok") {
		t.Errorf("plan -limit @failed after the retry: exit %d\n%s", code, stderr)
	}
}
