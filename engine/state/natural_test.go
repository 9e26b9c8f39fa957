package state_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netrun/netrun/engine/state"
)

func TestNaturalOrder(t *testing.T) {
	for _, tc := range []struct{ in, want []string }{
		{[]string{"r10", "r2", "r1", "r100"}, []string{"r1", "r2", "r10", "r100"}},
		{[]string{"dc1-r10", "dc2-r1", "dc1-r9"}, []string{"dc1-r9", "dc1-r10", "dc2-r1"}},
		{[]string{"r01", "r1", "r001"}, []string{"r001", "r01", "r1"}},
		{[]string{"core", "r2", "edge10", "edge9", "r"}, []string{"core", "edge9", "edge10", "r", "r2"}},
		{[]string{"10", "9a", "9"}, []string{"9", "9a", "10"}},
	} {
		got := slices.Clone(tc.in)
		slices.SortFunc(got, state.NaturalCompare)
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("sorted %q (-want +got):\n%s", tc.in, d)
		}
	}
}
