package engine

import (
	"context"
	"errors"
	"io/fs"
	"strings"

	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/configtree"
	"github.com/netrun/netrun/engine/plan"
	"github.com/netrun/netrun/engine/state"
)

// DeviceDrift is one device's configuration compared with what netrun last
// applied to it.
type DeviceDrift struct {
	Name string `json:"name"`
	// Status is "in sync", "drifted", "never applied" or "error".
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
	// Lines are the differences: "+ line" present now but not applied,
	// "- line" applied but gone, under "~ section" lines.
	Lines []string `json:"lines,omitempty"`
}

// Drift statuses.
const (
	InSync       = "in sync"
	Drifted      = "drifted"
	NeverApplied = "never applied"
	DriftError   = "error"
)

// Drift reads the running configuration of every device with config blocks
// (read-only) and compares it with the configuration netrun last applied
// and verified (plan -refresh-only).
func Drift(ctx context.Context, rb *config.Runbook, p *plan.Plan, opts Options) ([]DeviceDrift, error) {
	w := newWalker(rb, opts)
	st, err := w.opts.Store.ReadState()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	var out []DeviceDrift
	type read struct {
		at      int // in out
		pd      plan.Device
		applied string
	}
	var reads []read
	for _, pd := range p.Devices {
		if !pd.Converges() {
			continue
		}
		var digest string
		if st != nil {
			digest = st.Devices[pd.Name].ConfigDigest
		}
		applied, rerr := w.opts.Store.Config(state.Applied, pd.Name)
		if digest == "" || rerr != nil {
			out = append(out, DeviceDrift{Name: pd.Name, Status: NeverApplied})
			continue
		}
		reads = append(reads, read{len(out), pd, string(applied)})
		out = append(out, DeviceDrift{Name: pd.Name})
	}
	eachDevice(len(reads), func(i int) {
		r := reads[i]
		out[r.at] = w.driftOf(ctx, r.pd, r.applied)
	})
	return out, nil
}

func (w *walker) driftOf(ctx context.Context, pd plan.Device, applied string) DeviceDrift {
	dd := DeviceDrift{Name: pd.Name}
	fail := func(err error) DeviceDrift {
		dd.Status, dd.Error = DriftError, w.deviceError(pd.Name, err)
		return dd
	}
	text, err := w.readDevice(ctx, pd)
	if err != nil {
		return fail(err)
	}
	run, err := parseRunning(text, pd.Platform)
	if err != nil {
		return fail(err)
	}
	// The applied copy is canonical and masked: compare the same way.
	nowTree := configtree.Parse(w.mask.String(run.tree.String()), run.dialect)
	appliedTree := configtree.Parse(applied, run.dialect)
	if nowTree.Digest() == appliedTree.Digest() {
		dd.Status = InSync
		return dd
	}
	dd.Status = Drifted
	gone, err := configtree.Diff(nowTree, configtree.Desired{Text: appliedTree.String()}, run.dialect)
	if err != nil {
		return fail(err)
	}
	added, err := configtree.Diff(appliedTree, configtree.Desired{Text: nowTree.String()}, run.dialect)
	if err != nil {
		return fail(err)
	}
	dd.Lines = append(dd.Lines, maskAll(w.mask, renderLines(added))...)
	for _, l := range maskAll(w.mask, renderLines(gone)) {
		if t := strings.TrimLeft(l, " "); strings.HasPrefix(t, "+") {
			l = l[:len(l)-len(t)] + "-" + t[1:]
		}
		dd.Lines = append(dd.Lines, l)
	}
	return dd
}
