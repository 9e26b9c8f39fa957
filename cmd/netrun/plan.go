package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/netrun/netrun/cmd/netrun/views"
	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/plan"
)

func runPlan(wd string, a planArgs, _ io.Reader, stdout, stderr io.Writer) int {
	a.Vars.resolve(wd, &a.Dir)
	v := views.NewPlan(views.TypeOf(a.JSON), &views.View{Stdout: stdout, Stderr: stderr})
	c, ok := open(runbookArgs{Dir: a.Dir, Vars: a.Vars, Parallelism: a.Parallelism, Mode: a.Mode}, v, stderr)
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
		p.Dir, p.Created = a.Dir, time.Now().UTC()
		if err := p.SetVariables(rb.Variables(), rb.Secrets()); err != nil {
			return errorf(stderr, "saving the plan: %v", err)
		}
		if err := plan.WriteFile(within(wd, a.Out), p); err != nil {
			return errorf(stderr, "saving the plan: %v", err)
		}
		if len(p.HoldsSecrets) > 0 {
			fmt.Fprintf(stderr, "netrun: the plan holds the values of sensitive variables (%s) in clear, as apply needs them; it is readable by you only: keep it like a password file.\n",
				strings.Join(p.HoldsSecrets, ", "))
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
