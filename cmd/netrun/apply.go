package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/netrun/netrun/cmd/netrun/views"
	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/plan"
)

func runApply(wd string, a applyArgs, stdin io.Reader, stdout, stderr io.Writer) int {
	a.Vars.resolve(wd, &a.Dir)
	saved, err := readSavedPlan(&a)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	if a.JSON && !a.AutoApprove && saved == nil {
		return errorf(stderr, "apply -json needs -auto-approve: there is no one to ask on a machine-read stream")
	}
	if !a.AutoApprove && saved == nil && !a.Vars.interactive() {
		return errorf(stderr, "apply needs -auto-approve when -input=false (or NETRUN_IN_AUTOMATION is set): netrun will not ask for approval")
	}
	view := newView(stdout, stderr, a.NoColor)
	view.Version = version
	v := views.NewApply(views.TypeOf(a.JSON), view)
	c, ok := open(runbookArgs{Dir: a.Dir, Vars: a.Vars, Parallelism: a.Parallelism, Mode: a.Mode, Saved: saved, Select: a.Select.selection()}, v, stderr)
	if !ok {
		return 1
	}
	// Deferred before the run's own cleanup, so it runs after it: every
	// worker and plugin process is stopped, also after Ctrl-C.
	defer c.end()
	rb, p := c.rb, c.plan
	opts, cleanup, err := runOptions(rb, p, c.set.reg, a.Sim, a.AcceptNewKeys, stderr)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	defer cleanup()
	if a.TranscriptDir != "" {
		opts.TranscriptDir = within(wd, a.TranscriptDir)
	}
	opts.Events = v.Event
	startLive, stopLive := watch(view, a.JSON, &opts)
	applying := func(p *plan.Plan) {
		v.Applying(p)
		startLive(len(p.Devices))
	}
	res, err := engine.Run(c.ctx, rb, p, engine.RunOptions{
		Options:     opts,
		LockTimeout: a.LockTimeout,
		Refresh:     saved == nil,
		Approve: func(p *plan.Plan, refreshed *engine.RefreshStats) bool {
			if refreshed != nil && refreshed.Failed > 0 {
				fmt.Fprintf(stderr, "netrun: %d devices could not be read; their config steps will fail.\n", refreshed.Failed)
			}
			v.Plan(p, a.Sim)
			// Saving a plan approves it, as in Terraform: it runs as it
			// was shown then, step by step (see engine's pin.go).
			return a.AutoApprove || saved != nil || approved(v, stdin)
		},
		Applying: applying,
		Stderr:   stderr,
	})
	// Back to the default signal handling: a second Ctrl-C while the
	// results are shown ends netrun.
	c.stop()
	stopLive()
	if res != nil {
		for _, d := range res.OutputDiags {
			where := ""
			if d.Subject != nil {
				where = d.Subject.String() + ": "
			}
			fmt.Fprintf(stderr, "netrun: output: %s%s: %s\n", where, d.Summary, d.Detail)
		}
	}
	switch {
	case err != nil:
		return errorf(stderr, "%v", err)
	case res.Cancelled:
		v.Cancelled()
		return 1
	}
	outputs, err := res.State.ResolvedOutputs()
	if err == nil {
		err = v.Result(res.Report, outputs)
	}
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	if res.Interrupted {
		fmt.Fprintln(stderr, "netrun: interrupted; results of what finished were saved.")
		return 1
	}
	if !res.OK() {
		return 1
	}
	return 0
}

// readSavedPlan reads the plan of apply PLANFILE, which runs a saved plan
// made from its runbook directory with the variable values it carries:
// a.Dir becomes that directory, and the plan's parallelism applies unless
// -parallelism says otherwise. It returns nil for apply DIR.
func readSavedPlan(a *applyArgs) (*plan.Plan, error) {
	fi, err := os.Stat(a.Dir)
	if err != nil || fi.IsDir() {
		return nil, nil
	}
	if len(a.Vars.Vars) > 0 || len(a.Vars.VarFiles) > 0 {
		return nil, fmt.Errorf("apply %s takes no -var or -var-file: a saved plan runs with the values it was made with; make a new plan to change them", a.Dir)
	}
	if sel := a.Select.selection(); !sel.Empty() {
		return nil, fmt.Errorf("apply %s takes no -target or -limit: a saved plan runs the selection it was made with; make a new plan to change it", a.Dir)
	}
	saved, err := plan.ReadFile(a.Dir)
	if err != nil {
		return nil, err
	}
	a.Dir = saved.Dir
	a.Sim = a.Sim || saved.Simulated
	if a.Parallelism == 0 {
		a.Parallelism = saved.Parallelism
	}
	return saved, nil
}

// savePlan writes the plan of plan -out, made from the runbook in dir,
// with the values of its variables, for apply PLANFILE (readSavedPlan).
// The file holds secrets in clear when variables do: stderr says so.
func savePlan(path, dir string, p *plan.Plan, rb *config.Runbook, simulated bool, stderr io.Writer) error {
	saved := *p
	saved.Dir, saved.Created, saved.Simulated = dir, time.Now().UTC(), simulated
	if err := saved.SetVariables(rb.Variables(), rb.Secrets()); err != nil {
		return err
	}
	if err := plan.WriteFile(path, &saved); err != nil {
		return err
	}
	if len(saved.HoldsSecrets) > 0 {
		fmt.Fprintf(stderr, "netrun: the plan holds the values of sensitive variables (%s) in clear, as apply needs them; it is readable by you only: keep it like a password file.\n",
			strings.Join(saved.HoldsSecrets, ", "))
	}
	return nil
}

// approved asks to go ahead; only "yes" does.
func approved(v views.Apply, stdin io.Reader) bool {
	v.AskApproval()
	line, _ := bufio.NewReader(stdin).ReadString('\n')
	return strings.TrimSpace(line) == "yes"
}
