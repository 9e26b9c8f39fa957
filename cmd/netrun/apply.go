package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/netrun/netrun/cmd/netrun/views"
	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/plan"
	"github.com/netrun/netrun/engine/state"
)

func runApply(wd string, a applyArgs, stdin io.Reader, stdout, stderr io.Writer) int {
	if a.JSON && !a.AutoApprove {
		return errorf(stderr, "apply -json needs -auto-approve: there is no one to ask on a machine-read stream")
	}
	a.Vars.resolve(wd, &a.Dir)
	saved, err := readSavedPlan(&a)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	v := views.NewApply(views.TypeOf(a.JSON), &views.View{Stdout: stdout, Stderr: stderr})
	c, ok := open(runbookArgs{Dir: a.Dir, Vars: a.Vars, Parallelism: a.Parallelism, Mode: a.Mode, Saved: saved}, v, stderr)
	if !ok {
		return 1
	}
	// Deferred before the run's own cleanup, so it runs after it: every
	// worker and plugin process is stopped, also after Ctrl-C.
	defer c.end()
	rb, p := c.rb, c.plan
	store := state.NewLocal(rb.Dir, a.Sim)
	lock, err := store.Lock(c.ctx, "apply", a.LockTimeout)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	defer lock.Unlock()

	opts, cleanup, err := runOptions(rb, p, c.set.reg, a.Sim, a.AcceptNewKeys, stderr)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	defer cleanup()
	opts.Store = store
	if a.TranscriptDir != "" {
		opts.TranscriptDir = within(wd, a.TranscriptDir)
	}
	if saved == nil && p.Converges() {
		if st := engine.Refresh(c.ctx, rb, p, opts); st.Failed > 0 {
			// Devices that could not be read fail at apply with their
			// reason; the others go on.
			fmt.Fprintf(stderr, "netrun: %d devices could not be read; their config steps will fail.\n", st.Failed)
		}
	}
	v.Plan(p, a.Sim)
	if !a.AutoApprove && !approved(v, stdin) {
		v.Cancelled()
		return 1
	}
	return applyPlan(c, rb, p, opts, a.Sim, v)
}

// readSavedPlan reads the plan of apply PLANFILE, which runs a saved plan
// made from its runbook directory: a.Dir becomes that directory, and the
// plan's parallelism applies unless -parallelism says otherwise. It returns
// nil for apply DIR.
func readSavedPlan(a *applyArgs) (*plan.Plan, error) {
	fi, err := os.Stat(a.Dir)
	if err != nil || fi.IsDir() {
		return nil, nil
	}
	saved, err := plan.ReadFile(a.Dir)
	if err != nil {
		return nil, err
	}
	a.Dir = saved.Dir
	if a.Parallelism == 0 {
		a.Parallelism = saved.Parallelism
	}
	return saved, nil
}

// approved asks to go ahead; only "yes" does.
func approved(v views.Apply, stdin io.Reader) bool {
	v.AskApproval()
	line, _ := bufio.NewReader(stdin).ReadString('\n')
	return strings.TrimSpace(line) == "yes"
}

// applyPlan runs the plan, records state, shows the results and returns
// the exit status.
func applyPlan(c *runbookCmd, rb *config.Runbook, p *plan.Plan, opts engine.Options, simulated bool, v views.Apply) int {
	// State is written as devices finish, so a run killed half way keeps
	// what it recorded; and once more at the end, with the outputs.
	prev, err := opts.Store.ReadState()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return errorf(c.stderr, "%v", err)
	}
	recorder := engine.NewRecorder(opts.Store, prev, simulated, c.stderr)
	opts.OnDevice = recorder.Record
	v.Applying(p)
	rep := engine.Apply(c.ctx, rb, p, opts)
	interrupted := c.ctx.Err() != nil
	c.stop()

	outputs, diags := rb.EvalOutputs(rep.Results())
	if diags.HasErrors() {
		// The runbook was valid; an output that cannot be computed from the
		// results (say a device failed) is reported, not fatal to state.
		for _, d := range diags {
			fmt.Fprintf(c.stderr, "netrun: output: %s: %s\n", d.Summary, d.Detail)
		}
	}
	st, err := engine.NewState(prev, rep, outputs)
	if err != nil {
		return errorf(c.stderr, "state: %v", err)
	}
	if err := recorder.Final(st); err != nil {
		return errorf(c.stderr, "writing state: %v", err)
	}
	if err := v.Result(rep, st.Outputs); err != nil {
		return errorf(c.stderr, "%v", err)
	}
	_, failed, other := rep.Counts()
	if interrupted {
		fmt.Fprintln(c.stderr, "netrun: interrupted; results of what finished were saved.")
		return 1
	}
	if failed > 0 || other > 0 || diags.HasErrors() {
		return 1
	}
	return 0
}
