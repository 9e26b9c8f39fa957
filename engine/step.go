package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/platform"
	"github.com/netrun/netrun/engine/plan"
)

// panicError is a driver panic, recovered: a driver bug fails its device,
// never the run. It carries the stack from where it was recovered, for the
// log.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("internal error in driver: %v", e.value) }

// runStep runs one step on an open session and returns its result. A
// device rejecting a command fails the step with its output kept; the
// returned error is for I/O and timeouts, after which the session must not
// be reused, or a *panicError when the driver panicked.
func (w *walker) runStep(ctx context.Context, sess drivers.Session, pd plan.Device, sr *stepRun) (res StepResult, err error) {
	start := w.opts.Now()
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{value: r, stack: debug.Stack()}
			res = StepResult{Status: Failed, Error: w.mask.String(named(pd.Name, err).Error())}
		}
		res.Task, res.Started, res.Finished = sr.step.Task, start, w.opts.Now()
	}()
	if sr.step.Action == plan.Converge {
		return w.converge(ctx, sess, pd, sr)
	}
	return w.runCommand(ctx, sess, pd, sr.step)
}

// runCommand sends a command block's lines: one Configure call for
// configuration lines (config mode, commit where the platform has one), one
// Run per command otherwise.
func (w *walker) runCommand(ctx context.Context, sess drivers.Session, pd plan.Device, step plan.Step) (StepResult, error) {
	var res StepResult
	cmd, ok := w.commands[step.Task]
	if !ok {
		res.Status = Failed
		res.Error = fmt.Sprintf("%s: %s is in the plan but not in the runbook", pd.Name, step.Task)
		return res, nil
	}
	// text is what results and errors show of a call: a line built from a
	// sensitive value is masked whole, by provenance (masker.lines).
	type call struct {
		text string
		do   func(context.Context) (drivers.Result, error)
	}
	var calls []call
	shown := w.commandSteps[step.Task].Commands
	if len(cmd.Configure) > 0 {
		calls = append(calls, call{strings.Join(shown, "\n"), func(ctx context.Context) (drivers.Result, error) {
			return sess.Configure(ctx, cmd.Configure)
		}})
	}
	for i, c := range cmd.Commands {
		calls = append(calls, call{shown[i], func(ctx context.Context) (drivers.Result, error) {
			return sess.Run(ctx, c, drivers.WithExpect(cmd.Expect...), drivers.WithOutputLimit(cmd.OutputLimit))
		}})
	}
	for _, c := range calls {
		cctx, cancel := ctx, context.CancelFunc(func() {})
		if step.Timeout > 0 {
			cctx, cancel = context.WithTimeout(ctx, step.Timeout)
		}
		r, err := c.do(cctx)
		cancel()
		if err != nil {
			res.Status = Failed
			switch {
			case ctx.Err() != nil:
				res.Status = Cancelled
			case errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, drivers.ErrTimeout):
				err = fmt.Errorf("%w: %q after %s: %w", drivers.ErrTimeout, c.text, step.Timeout, err)
			case errors.Is(err, context.DeadlineExceeded) && step.Timeout > 0:
				// Say which limit it was, whatever words the driver used.
				err = fmt.Errorf("%w (the block's timeout is %s)", err, step.Timeout)
			}
			res.Error = w.mask.String(named(pd.Name, err).Error())
			return res, err
		}
		// Outputs end without a final newline whatever the driver (a
		// plugin's exec output ends with one), so a one-line answer is a
		// one-line value.
		r.Output = w.mask.String(strings.TrimRight(r.Output, "\r\n"))
		r.Command = c.text
		if r.Rejected != "" {
			r.Rejected = w.mask.line(cmd, r.Rejected)
		}
		res.Results = append(res.Results, r)
		if r.Failed {
			rejected := r.Command
			if r.Rejected != "" {
				rejected = r.Rejected
			}
			res.Status = Failed
			res.Error = fmt.Sprintf("%s: device rejected %q: %s", pd.Name, rejected, failureLine(r.Output, pd.Platform))
			return res, nil
		}
	}
	res.Status = OK
	return res, nil
}

// named makes an error start with the device's name, once: drivers name the
// device themselves, other errors get it here.
func named(device string, err error) error {
	if msg := err.Error(); strings.HasPrefix(msg, device+": ") || strings.HasPrefix(msg, "device "+device+": ") {
		return err
	}
	return fmt.Errorf("%s: %w", device, err)
}

// failureLine is the line of a device's answer that says what went wrong:
// the first with one of the platform's failure strings, else the first
// starting with %, else the first non-empty one.
func failureLine(s, name string) string {
	var marks []string
	if p, err := platform.Lookup(name); err == nil && name != "" {
		marks = append(append(marks, p.FailedWhenContains...), p.CommitFailedWhenContains...)
	}
	lines := strings.Split(s, "\n")
	for _, l := range lines {
		for _, m := range marks {
			if strings.Contains(l, m) {
				return strings.TrimSpace(l)
			}
		}
	}
	for _, l := range lines {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "%") {
			return l
		}
	}
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" && l != "^" {
			return l
		}
	}
	return ""
}
