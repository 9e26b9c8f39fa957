package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/plan"
	"github.com/netrun/netrun/engine/state"
)

// RunOptions tune Run: how to reach the devices (Options), and the points
// where the caller shows the plan and asks to go ahead.
type RunOptions struct {
	Options
	// LockTimeout is how long to wait for another run's lock; 0 fails at
	// once.
	LockTimeout time.Duration
	// Refresh reads the devices of config steps before approval, for a
	// fresh plan; a saved plan runs exactly what it pinned.
	Refresh bool
	// Approve is called with the plan ready to run (refreshed is nil when
	// it was not); false cancels the run before any device is touched.
	// Nil approves.
	Approve func(p *plan.Plan, refreshed *RefreshStats) bool
	// Applying, when set, is called once approved, just before the walk.
	Applying func(p *plan.Plan)
	// Stderr receives errors writing state while devices run, which do not
	// stop the run.
	Stderr io.Writer
}

// RunResult is what an apply left, for the caller to show and to decide
// its exit status on.
type RunResult struct {
	// Cancelled says Approve refused: nothing ran and the rest is empty.
	Cancelled bool
	Report    *Report
	// State is the state written at the end, outputs included.
	State *state.State
	// OutputDiags are the outputs that could not be computed from the
	// results (say a device failed) or saved (a value JSON cannot hold):
	// reported, not fatal to state; the other outputs are saved.
	OutputDiags hcl.Diagnostics
	// Interrupted says ctx ended during the walk; what finished was saved.
	Interrupted bool
}

// OK says the run did everything the plan asked: every step succeeded,
// every output was computed, and nothing interrupted it.
func (r *RunResult) OK() bool {
	if r.Cancelled {
		return false
	}
	_, failed, other := r.Report.Counts()
	return !r.Interrupted && failed == 0 && other == 0 && !r.OutputDiags.HasErrors()
}

// Run is apply: it takes the runbook's lock in opts.Store, refreshes a
// fresh plan's config steps, asks opts.Approve, walks the plan (Apply)
// while writing the state as devices finish, and writes the final state
// with the outputs. The lock is held throughout. The error is for what
// stops the run (the lock, reading or writing state); with an error after
// the walk, the result still holds the report and the output diagnostics.
func Run(ctx context.Context, rb *config.Runbook, p *plan.Plan, opts RunOptions) (*RunResult, error) {
	if opts.Store == nil {
		opts.Store = state.Open(rb.Dir, opts.Simulated)
	}
	if opts.Stderr == nil {
		opts.Stderr = io.Discard
	}
	lock, err := opts.Store.Lock(ctx, "apply", opts.LockTimeout)
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()

	var refreshed *RefreshStats
	if opts.Refresh && p.Converges() {
		// Devices that could not be read fail at apply with their reason;
		// the others go on.
		st := Refresh(ctx, rb, p, opts.Options)
		refreshed = &st
	}
	if opts.Approve != nil && !opts.Approve(p, refreshed) {
		return &RunResult{Cancelled: true}, nil
	}

	// State is written as devices finish, so a run killed half way keeps
	// what it recorded; and once more at the end, with the outputs.
	prev, err := opts.Store.ReadState()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	rec := newRecorder(opts.Store, prev, opts.Simulated, opts.Stderr)
	onDevice := opts.OnDevice
	opts.OnDevice = func(d DeviceResult) {
		rec.record(d)
		if onDevice != nil {
			onDevice(d)
		}
	}
	if opts.Applying != nil {
		opts.Applying(p)
	}
	res := &RunResult{Report: Apply(ctx, rb, p, opts.Options)}
	res.Interrupted = ctx.Err() != nil

	// Outputs read the same results the state keeps: a device the run did
	// not reach, or that its plan left out, counts with its earlier result.
	outputs, diags := rb.EvalOutputs(withEarlier(res.Report, prev, rb).Results())
	saved, more := OutputStates(outputs, rb.Outputs)
	if diags = append(diags, more...); diags.HasErrors() {
		res.OutputDiags = diags
	}
	st := NewState(prev, res.Report, saved)
	if err := rec.final(st); err != nil {
		return res, fmt.Errorf("writing state: %w", err)
	}
	res.State = st
	return res, nil
}
