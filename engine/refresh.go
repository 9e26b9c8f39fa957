package engine

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/platform"
	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/configtree"
	"github.com/netrun/netrun/engine/plan"
)

// RefreshStats says where a refresh spent its time: Wait sums the time
// spent on devices (connect, login, reading), Diff the time computing
// remediations.
type RefreshStats struct {
	Devices, Changed, Unchanged, Failed int
	Wait, Diff                          time.Duration
}

// Refresh reads the running configuration of every device that has
// converge steps, at most opts.Parallelism at once and read-only, and fills
// in what each step would change. A device that cannot be read gets the
// error in its steps; the others go on.
func Refresh(ctx context.Context, rb *config.Runbook, p *plan.Plan, opts Options) RefreshStats {
	w := newWalker(rb, opts)
	type device struct {
		pd    *plan.Device
		steps []*plan.Step
	}
	var devices []device
	for i := range p.Devices {
		pd := &p.Devices[i]
		var steps []*plan.Step
		for j := range pd.Steps {
			if pd.Steps[j].Action == plan.Converge {
				steps = append(steps, &pd.Steps[j])
			}
		}
		if len(steps) > 0 {
			devices = append(devices, device{pd, steps})
		}
	}
	var mu sync.Mutex
	var st RefreshStats
	eachDevice(len(devices), func(i int) {
		pd, steps := devices[i].pd, devices[i].steps
		wait, diff, changed, err := w.refreshDevice(ctx, *pd, steps)
		mu.Lock()
		defer mu.Unlock()
		st.Devices++
		st.Wait += wait
		st.Diff += diff
		switch {
		case err != nil:
			st.Failed++
			msg := w.deviceError(pd.Name, err)
			for _, s := range steps {
				s.Config.Error = msg
			}
		case changed:
			st.Changed++
		default:
			st.Unchanged++
		}
	})
	return st
}

func (w *walker) refreshDevice(ctx context.Context, pd plan.Device, steps []*plan.Step) (wait, diff time.Duration, changed bool, err error) {
	start := time.Now()
	text, err := w.readDevice(ctx, pd)
	wait = time.Since(start)
	if err != nil {
		return wait, 0, false, err
	}
	start = time.Now() // parsing and diffing: netrun's own work
	run, err := parseRunning(text, pd.Platform)
	if err != nil {
		return wait, time.Since(start), false, err
	}
	for _, s := range steps {
		d := w.desired[s.Task]
		rem, err := run.remediate(d, pd.Name)
		if err != nil {
			return wait, time.Since(start), false, err
		}
		w.fillChange(s.Config, rem, run.digest, desiredDigest(d, pd.Name))
		changed = changed || !rem.Empty()
	}
	return wait, time.Since(start), changed, nil
}

// readRunning reads a device's running configuration.
func readRunning(ctx context.Context, sess drivers.Session, p platform.Platform) (string, error) {
	if p.RunningConfigCommand == "" {
		return "", fmt.Errorf("platform %s: netrun does not know how to read its running configuration", p.Name)
	}
	res, err := sess.Run(ctx, p.RunningConfigCommand)
	if err != nil {
		return "", err
	}
	if res.Failed {
		return "", fmt.Errorf("reading the running configuration: device rejected %q: %s", p.RunningConfigCommand, failureLine(res.Output, p.Name))
	}
	return res.Output, nil
}

// running is a device's running configuration as read, parsed once in its
// platform's dialect for every config block that diffs against it.
type running struct {
	text    string
	dialect configtree.Dialect
	tree    *configtree.Tree
	digest  string
}

func parseRunning(text, platform string) (*running, error) {
	d, err := configtree.DialectFor(platform)
	if err != nil {
		return nil, err
	}
	t := configtree.Parse(text, d)
	return &running{text: text, dialect: d, tree: t, digest: t.Digest()}, nil
}

// remediate diffs a running configuration against a config block for one
// device.
func (r *running) remediate(d *config.Desired, device string) (configtree.Remediation, error) {
	rem, err := configtree.Diff(r.tree, desiredFor(d, device), r.dialect)
	if err != nil {
		return rem, fmt.Errorf("%s: %w", d.Addr(), err)
	}
	return rem, nil
}

// readParsed reads and parses a device's running configuration on an open
// session.
func readParsed(ctx context.Context, sess drivers.Session, p platform.Platform) (*running, error) {
	text, err := readRunning(ctx, sess, p)
	if err != nil {
		return nil, err
	}
	return parseRunning(text, p.Name)
}

// readDevice opens a session to a device (holding a session slot), reads
// its running configuration, and closes the session: plan's refresh and
// drift read devices this way, read-only.
func (w *walker) readDevice(ctx context.Context, pd plan.Device) (string, error) {
	target, drv, err := w.target(pd)
	if err != nil {
		return "", err
	}
	platform, err := platform.Lookup(pd.Platform)
	if err != nil {
		return "", err
	}
	if !w.acquire(ctx) {
		return "", ctx.Err()
	}
	defer w.release()
	sess, err := drv.Open(ctx, target)
	if err != nil {
		return "", err
	}
	defer sess.Close()
	return readRunning(ctx, sess, platform)
}

// fillChange records a remediation in a plan step, its diff masked.
func (w *walker) fillChange(c *plan.ConfigChange, rem configtree.Remediation, running, desired string) {
	c.Refreshed = true
	c.RunningDigest = running
	c.DesiredDigest = desired
	c.Lines = rem.Lines
	c.Inverse = rem.Inverse
	c.Changed = len(rem.Lines)
	c.Diff = maskAll(w.mask, renderLines(rem))
	c.Error = ""
}
