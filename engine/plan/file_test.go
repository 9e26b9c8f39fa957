package plan_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/netrun/netrun/engine/plan"
)

func TestPlanFile(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	path := filepath.Join(tmp, "plans", "tfplan")
	if err := os.Mkdir(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	runbook := filepath.Join(tmp, "runbook")
	want := &plan.Plan{Version: plan.Version, Parallelism: 3, Dir: runbook}
	if err := plan.WriteFile(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := plan.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Parallelism != 3 || got.Dir != runbook {
		t.Errorf("plan read back = %+v", got)
	}
	// Relative to the plan file, so both can move together.
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), `"runbook_dir": "../runbook"`) {
		t.Errorf("the runbook directory is not relative to the plan file:\n%s", data)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("plan file mode %v, want 0600", fi.Mode().Perm())
	}

	other := filepath.Join(filepath.Dir(path), "other")
	if err := plan.WriteFile(other, &plan.Plan{Version: plan.Version + 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := plan.ReadFile(other); err == nil || !strings.Contains(err.Error(), "this netrun reads format") {
		t.Errorf("a plan of another format: %v", err)
	}
	if err := os.WriteFile(other, []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := plan.ReadFile(other); err == nil || !strings.Contains(err.Error(), "is not a netrun plan") {
		t.Errorf("a file that is no plan: %v", err)
	}
}

// TestPlanFileVariables: variable values of every type come back from a
// plan file as they went in; marked ones and those holding a secret are
// named in holds_secrets, and plan -json (the Plan value) shows none.
func TestPlanFileVariables(t *testing.T) {
	t.Parallel()
	vals := map[string]cty.Value{
		"password": cty.StringVal("pw-1").Mark("sensitive"),
		"enable":   cty.StringVal("en-2"),
		"ntp":      cty.ListVal([]cty.Value{cty.StringVal("10.0.0.1")}),
		"hosts":    cty.MapVal(map[string]cty.Value{"r1": cty.StringVal("192.0.2.1")}),
		"n":        cty.NumberIntVal(3),
		"obj":      cty.ObjectVal(map[string]cty.Value{"on": cty.True, "tags": cty.SetVal([]cty.Value{cty.StringVal("x")})}),
	}
	p := &plan.Plan{Version: plan.Version}
	if err := p.SetVariables(vals, []string{"en-2"}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "p.plan")
	if err := plan.WriteFile(path, p); err != nil {
		t.Fatal(err)
	}
	got, err := plan.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.HoldsSecrets, []string{"enable", "password"}) {
		t.Errorf("holds_secrets = %q", got.HoldsSecrets)
	}
	back, err := got.VariableValues()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range vals {
		want, _ = want.UnmarkDeep()
		if !back[name].RawEquals(want) {
			t.Errorf("%s read back as %#v, want %#v", name, back[name], want)
		}
	}
	shown, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(shown), "pw-1") || strings.Contains(string(shown), "en-2") {
		t.Errorf("the plan value shows a variable: %s", shown)
	}
}
