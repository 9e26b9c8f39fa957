package main

import (
	"io"

	"github.com/netrun/netrun/cmd/netrun/views"
	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/graph"
	"github.com/netrun/netrun/engine/plan"
)

// runGraph prints the runbook's dependency graph as DOT without
// contacting a device: -type=plan the plan's steps (task@device), narrowed
// by -target and -limit as plan's are, with an edge for every step another
// waits for; -type=runbook the command and config blocks and their
// depends_on.
func runGraph(wd string, a graphArgs, _ io.Reader, stdout, stderr io.Writer) int {
	a.Vars.resolve(wd, &a.Dir)
	v := views.NewGraph(&views.View{Stdout: stdout, Stderr: stderr})
	c, ok := open(runbookArgs{Dir: a.Dir, Vars: a.Vars, Select: a.Select.selection()}, v, stderr)
	if !ok {
		return 1
	}
	defer c.end()
	if a.Type == "runbook" {
		v.DOT(blockGraph(c.rb), a.Type)
	} else {
		v.DOT(stepGraph(c.plan), a.Type)
	}
	return 0
}

// stepGraph is the plan's steps, device by device in the plan's order, each
// after the steps it depends on. All nodes come first, so a step on a later
// device that an earlier one waits for keeps its place in the order.
func stepGraph(p *plan.Plan) *graph.Graph {
	g := graph.New()
	for _, d := range p.Devices {
		for _, s := range d.Steps {
			g.Add(plan.ID(s.Task, d.Name))
		}
	}
	for _, d := range p.Devices {
		for _, s := range d.Steps {
			for _, dep := range s.DependsOn {
				g.Connect(dep, plan.ID(s.Task, d.Name))
			}
		}
	}
	return g
}

// blockGraph is the runbook's command and config blocks in their order,
// each after the blocks in its depends_on.
func blockGraph(rb *config.Runbook) *graph.Graph {
	g := graph.New()
	var edges [][2]string
	add := func(addr config.Addr, deps []string) {
		g.Add(addr.String())
		for _, dep := range deps {
			edges = append(edges, [2]string{dep, addr.String()})
		}
	}
	for _, c := range rb.Commands {
		add(c.Addr(), c.DependsOn)
	}
	for _, c := range rb.Configs {
		add(c.Addr(), c.DependsOn)
	}
	for _, e := range edges {
		g.Connect(e[0], e[1])
	}
	return g
}
