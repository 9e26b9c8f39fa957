package plan_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
