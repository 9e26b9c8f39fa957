package state_test

import (
	"slices"
	"testing"

	"github.com/netrun/netrun/engine/state"
)

// TestFileName: ordinary names stay readable, and no two names share a
// file.
func TestFileName(t *testing.T) {
	for name, want := range map[string]string{
		"r1": "r1", "core-sw1.lab": "core-sw1.lab", "a_b": "a_b",
		"a/b": "a%2Fb", "a:b": "a%3Ab", "a%2Fb": "a%252Fb", "..": "%2E.", ".r1": "%2Er1", "r1 ": "r1%20", "é": "%C3%A9",
	} {
		if got := state.FileName(name); got != want {
			t.Errorf("FileName(%q) = %q, want %q", name, got, want)
		}
	}
	seen := map[string]string{}
	for _, name := range []string{"a/b", "a_b", "a:b", "a%2Fb", "a%3Ab", "a.b", "a-b", "a b", "A_B", ".a", "%2Ea"} {
		f := state.FileName(name)
		if other, ok := seen[f]; ok {
			t.Errorf("%q and %q share the file %q", name, other, f)
		}
		seen[f] = name
	}
}

func TestNaturalCompare(t *testing.T) {
	got := []string{"r10", "r2", "r1", "r100", "a", "r01", "r", "sw1-2", "sw1-10", "sw10-1"}
	slices.SortFunc(got, state.NaturalCompare)
	want := []string{"a", "r", "r01", "r1", "r2", "r10", "r100", "sw1-2", "sw1-10", "sw10-1"}
	if !slices.Equal(got, want) {
		t.Errorf("sorted %v, want %v", got, want)
	}
}
