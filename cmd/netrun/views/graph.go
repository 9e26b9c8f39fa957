package views

import (
	"fmt"

	"github.com/netrun/netrun/engine/graph"
)

// Graph is the view of netrun graph: the graph in Graphviz's DOT on
// Stdout, diagnostics of the runbook on Stderr.
type Graph struct{ *View }

// NewGraph returns the graph view.
func NewGraph(v *View) Graph { return Graph{v} }

// DOT writes g as a digraph called name.
func (v Graph) DOT(g *graph.Graph, name string) { fmt.Fprint(v.Stdout, g.DOT(name)) }
