package plan

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

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
	p := &Plan{Version: Version}
	if err := p.SetVariables(vals, []string{"en-2"}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "p.plan")
	if err := WriteFile(path, p); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.HoldsSecrets, " ") != "enable password" {
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
