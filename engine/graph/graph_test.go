package graph_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netrun/netrun/engine/graph"
)

func TestSort(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		nodes []string
		edges [][2]string
		want  []string
		cycle string // in Sort's error; "" for none
	}{
		{"empty", nil, nil, []string{}, ""},
		{"insertion order when independent", []string{"c", "a", "b"}, nil, []string{"c", "a", "b"}, ""},
		{"chain", []string{"c", "b", "a"}, [][2]string{{"a", "b"}, {"b", "c"}}, []string{"a", "b", "c"}, ""},
		{"diamond", []string{"d", "b", "c", "a"}, [][2]string{{"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "d"}}, []string{"a", "b", "c", "d"}, ""},
		// Nodes on a cycle, and those after one, cannot be ordered; the
		// others still are.
		{"cycle", []string{"a", "b", "c", "d", "e"}, [][2]string{{"b", "c"}, {"c", "b"}, {"c", "d"}, {"a", "e"}}, []string{"a", "e"}, "b → c → b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := build(tt.nodes, tt.edges...)
			got, err := g.Sort()
			if tt.cycle == "" && err != nil || tt.cycle != "" && (err == nil || !strings.Contains(err.Error(), tt.cycle)) {
				t.Errorf("Sort error = %v, want cycle %q", err, tt.cycle)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Sort (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCycles(t *testing.T) {
	t.Parallel()
	g := build(nil, [2]string{"b", "c"}, [2]string{"c", "a"}, [2]string{"a", "b"},
		[2]string{"x", "y"}, [2]string{"y", "x"}, [2]string{"z", "a"})
	want := [][]string{{"a", "b", "c"}, {"x", "y"}}
	if diff := cmp.Diff(want, g.Cycles()); diff != "" {
		t.Errorf("Cycles (-want +got):\n%s", diff)
	}
	_, err := g.Sort()
	if err == nil || !strings.Contains(err.Error(), "a → b → c → a") {
		t.Errorf("Sort error = %v, want the cycle named", err)
	}
	if got := graph.FormatCycle([]string{"x"}); got != "x → x" {
		t.Errorf("self cycle = %q", got)
	}
}

func TestUpDownDOT(t *testing.T) {
	t.Parallel()
	g := build(nil, [2]string{"a", "c"}, [2]string{"b", "c"})
	if diff := cmp.Diff([]string{"a", "b"}, g.Upstream("c")); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff([]string{"c"}, g.Downstream("a")); diff != "" {
		t.Error(diff)
	}
	dot := g.DOT("netrun")
	for _, want := range []string{`digraph "netrun" {`, `"a" -> "c";`, `"b" -> "c";`} {
		if !strings.Contains(dot, want) {
			t.Errorf("DOT lacks %s:\n%s", want, dot)
		}
	}
}

// TestDOTOrder: DOT lists nodes, and each node's edges, in the order the
// nodes were added, so a fleet declared r1, r2, r10 reads that way (a
// string sort would give r1, r10, r2) and the same graph prints the same.
func TestDOTOrder(t *testing.T) {
	t.Parallel()
	g := build([]string{"x@r1", "x@r2", "x@r10", "y@r1"},
		[2]string{"x@r1", "y@r1"}, [2]string{"x@r10", "y@r1"}, [2]string{"x@r2", "y@r1"})
	want := `digraph "plan" {
  "x@r1";
  "x@r2";
  "x@r10";
  "y@r1";
  "x@r1" -> "y@r1";
  "x@r2" -> "y@r1";
  "x@r10" -> "y@r1";
}
`
	if diff := cmp.Diff(want, g.DOT("plan")); diff != "" {
		t.Errorf("DOT (-want +got):\n%s", diff)
	}
}

// build makes a graph of nodes, in this order, and edges from → to.
func build(nodes []string, edges ...[2]string) *graph.Graph {
	g := graph.New()
	for _, n := range nodes {
		g.Add(n)
	}
	for _, e := range edges {
		g.Connect(e[0], e[1])
	}
	return g
}
