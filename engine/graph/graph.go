// Package graph is a small directed graph of string-named nodes: add nodes,
// connect them, find cycles with a stable readable description, sort them
// topologically and render DOT (netrun graph prints it). It knows nothing of devices or commands and
// imports nothing of netrun. Config evaluation orders locals, credentials
// and devices with it and finds loops of jump hosts' via (engine/config);
// the engine orders command and config blocks with it and reports their
// cycles (engine/build.go). The apply walk (engine/walk.go) walks no Graph:
// the plan's steps already carry their resolved dependencies, and each
// device's goroutine waits on per-step done channels, so no central
// scheduler is needed.
package graph

import (
	"container/heap"
	"fmt"
	"sort"
	"strings"
)

// Graph holds nodes and edges; an edge a→b means a must finish before b
// starts (b depends on a).
type Graph struct {
	order []string // insertion order, for stable output
	nodes map[string]bool
	down  map[string]map[string]bool // a → set of b (b depends on a)
	up    map[string]map[string]bool // b → set of a
}

// New returns an empty graph.
func New() *Graph {
	return &Graph{
		nodes: map[string]bool{},
		down:  map[string]map[string]bool{},
		up:    map[string]map[string]bool{},
	}
}

// Add adds a node; adding it again is a no-op.
func (g *Graph) Add(n string) {
	if g.nodes[n] {
		return
	}
	g.nodes[n] = true
	g.order = append(g.order, n)
}

// Has reports whether n is a node.
func (g *Graph) Has(n string) bool { return g.nodes[n] }

// Len is the number of nodes.
func (g *Graph) Len() int { return len(g.order) }

// Nodes returns the nodes in insertion order.
func (g *Graph) Nodes() []string { return append([]string(nil), g.order...) }

// Connect adds the edge from → to: to runs after from. Both nodes are added
// if missing.
func (g *Graph) Connect(from, to string) {
	g.Add(from)
	g.Add(to)
	if g.down[from] == nil {
		g.down[from] = map[string]bool{}
	}
	if g.up[to] == nil {
		g.up[to] = map[string]bool{}
	}
	g.down[from][to] = true
	g.up[to][from] = true
}

// Upstream returns the nodes n depends on, sorted.
func (g *Graph) Upstream(n string) []string { return sortedKeys(g.up[n]) }

// Downstream returns the nodes that depend on n, sorted.
func (g *Graph) Downstream(n string) []string { return sortedKeys(g.down[n]) }

// Cycles returns the cycles a depth-first search closes (one per back edge,
// so every loop of the graph is reported at least once), each rotated to
// start at its smallest node, and the list sorted, so the message built from
// it is the same on every run.
func (g *Graph) Cycles() [][]string {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	seen := map[string]bool{}
	var cycles [][]string
	var visit func(n string)
	visit = func(n string) {
		color[n] = grey
		stack = append(stack, n)
		for _, m := range sortedKeys(g.down[n]) {
			switch color[m] {
			case white:
				visit(m)
			case grey:
				i := len(stack) - 1
				for stack[i] != m {
					i--
				}
				c := rotate(append([]string(nil), stack[i:]...))
				key := strings.Join(c, "\x00")
				if !seen[key] {
					seen[key] = true
					cycles = append(cycles, c)
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[n] = black
	}
	for _, n := range g.sortedNodes() {
		if color[n] == white {
			visit(n)
		}
	}
	sort.Slice(cycles, func(i, j int) bool {
		return strings.Join(cycles[i], ",") < strings.Join(cycles[j], ",")
	})
	return cycles
}

// Sort returns the nodes in a topological order; among nodes that are ready
// at the same time, insertion order wins, so the order is stable. When there
// is a cycle, it returns an error naming one and the order leaves out the
// nodes on a cycle and every node downstream of one: the nodes that remain
// can still be processed, the others cannot.
func (g *Graph) Sort() ([]string, error) {
	pos := make(map[string]int, len(g.order))
	for i, n := range g.order {
		pos[n] = i
	}
	indeg := make(map[string]int, len(g.order))
	for _, n := range g.order {
		indeg[n] = len(g.up[n])
	}
	// The ready nodes are a heap by insertion position: re-sorting a ready
	// list as nodes become ready made 20,000 locals in pairs take minutes.
	ready := &byPos{pos: pos}
	for _, n := range g.order {
		if indeg[n] == 0 {
			heap.Push(ready, n)
		}
	}
	out := make([]string, 0, len(g.order))
	for ready.Len() > 0 {
		n := heap.Pop(ready).(string)
		out = append(out, n)
		for m := range g.down[n] {
			indeg[m]--
			if indeg[m] == 0 {
				heap.Push(ready, m)
			}
		}
	}
	if len(out) < len(g.order) {
		return out, fmt.Errorf("cycle: %s", FormatCycle(g.Cycles()[0]))
	}
	return out, nil
}

// byPos is a heap of nodes, the first added to the graph on top.
type byPos struct {
	nodes []string
	pos   map[string]int
}

func (h *byPos) Len() int           { return len(h.nodes) }
func (h *byPos) Less(i, j int) bool { return h.pos[h.nodes[i]] < h.pos[h.nodes[j]] }
func (h *byPos) Swap(i, j int)      { h.nodes[i], h.nodes[j] = h.nodes[j], h.nodes[i] }
func (h *byPos) Push(x any)         { h.nodes = append(h.nodes, x.(string)) }
func (h *byPos) Pop() any {
	n := h.nodes[len(h.nodes)-1]
	h.nodes = h.nodes[:len(h.nodes)-1]
	return n
}

// FormatCycle renders a cycle as "a → b → c → a".
func FormatCycle(c []string) string {
	if len(c) == 0 {
		return ""
	}
	return strings.Join(append(append([]string(nil), c...), c[0]), " → ")
}

// DOT renders the graph in Graphviz's language: the nodes, then the edges
// node by node, both in insertion order. That order is the caller's (a
// plan's devices as declared, r1, r2, r10, which a string sort would make
// r1, r10, r2), and the same graph always prints the same bytes.
func (g *Graph) DOT(name string) string {
	pos := make(map[string]int, len(g.order))
	for i, n := range g.order {
		pos[n] = i
	}
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %q {\n", name)
	for _, n := range g.order {
		fmt.Fprintf(&b, "  %q;\n", n)
	}
	for _, n := range g.order {
		down := sortedKeys(g.down[n])
		sort.Slice(down, func(i, j int) bool { return pos[down[i]] < pos[down[j]] })
		for _, m := range down {
			fmt.Fprintf(&b, "  %q -> %q;\n", n, m)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

func (g *Graph) sortedNodes() []string {
	out := append([]string(nil), g.order...)
	sort.Strings(out)
	return out
}

func rotate(c []string) []string {
	min := 0
	for i := range c {
		if c[i] < c[min] {
			min = i
		}
	}
	return append(c[min:], c[:min]...)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
