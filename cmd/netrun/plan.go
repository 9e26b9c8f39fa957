package main

import (
	"io"

	"github.com/netrun/netrun/cmd/netrun/views"
	"github.com/netrun/netrun/engine"
)

func runPlan(wd string, a planArgs, _ io.Reader, stdout, stderr io.Writer) int {
	a.Vars.resolve(wd, &a.Dir)
	view := newView(stdout, stderr, a.NoColor)
	view.Version = version
	v := views.NewPlan(views.TypeOf(a.JSON), view)
	c, ok := open(runbookArgs{Dir: a.Dir, Vars: a.Vars, Parallelism: a.Parallelism, Mode: a.Mode, Select: a.Select.selection()}, v, stderr)
	if !ok {
		return 1
	}
	defer c.end()
	rb, p := c.rb, c.plan
	opts, cleanup, err := runOptions(rb, p, c.set.reg, a.Sim, false, stderr)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	defer cleanup()

	if a.RefreshOnly {
		drift, err := engine.Drift(c.ctx, rb, p, opts)
		if err != nil {
			return errorf(stderr, "%v", err)
		}
		code, err := v.Drift(drift, a.DetailedExitcode)
		if err != nil {
			return errorf(stderr, "%v", err)
		}
		return code
	}
	var stats *engine.RefreshStats
	if a.Refresh && p.Converges() {
		st := engine.Refresh(c.ctx, rb, p, opts)
		stats = &st
	}
	if a.Out != "" {
		if err := savePlan(within(wd, a.Out), a.Dir, p, rb, a.Sim, stderr); err != nil {
			return errorf(stderr, "saving the plan: %v", err)
		}
	}
	if err := v.Plan(p, a.Sim); err != nil {
		return errorf(stderr, "%v", err)
	}
	if a.Out != "" {
		v.Saved(a.Out)
	}
	if stats != nil && stats.Failed > 0 {
		return 1
	}
	if a.DetailedExitcode && p.Changes() {
		return 2
	}
	return 0
}
