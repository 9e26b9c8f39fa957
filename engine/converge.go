package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/platform"
	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/configtree"
	"github.com/netrun/netrun/engine/plan"
	"github.com/netrun/netrun/engine/state"
)

// ErrStale marks a saved plan step refused because the device's running
// configuration changed since the plan was made.
var ErrStale = errors.New("stale plan")

// desiredFor is a config block's desired state for one device.
func desiredFor(d *config.Desired, device string) configtree.Desired {
	m := configtree.Merge
	if d.Match == "exact" {
		m = configtree.Exact
	}
	return configtree.Desired{Text: d.Text[device], Absent: d.Absent[device], Match: m}
}

// desiredDigest identifies a config block's desired state for one device,
// so a saved plan can tell when the runbook changed under it.
func desiredDigest(d *config.Desired, device string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s", d.Match, d.Text[device], d.Absent[device], d.Name)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

func renderLines(rem configtree.Remediation) []string {
	text := strings.TrimRight(rem.Render(""), "\n")
	if text == "" {
		return nil
	}
	return strings.Split(text, "\n")
}

// converge runs a converge step: check the plan is not stale, back up,
// push the remediation, verify, save, and roll back on failure.
// It is called by runStep; the returned error is runStep's.
func (w *walker) converge(ctx context.Context, sess drivers.Session, pd plan.Device, sr *stepRun) (result StepResult, ioErr error) {
	fail := func(err error) (StepResult, error) {
		result.Status = Failed
		result.Error = w.mask.String(named(pd.Name, err).Error())
		if ctx.Err() != nil {
			result.Status = Cancelled
		}
		return result, err
	}
	desired, ok := w.desired[sr.step.Task]
	if !ok {
		return fail(fmt.Errorf("%s is in the plan but not in the runbook", sr.step.Task))
	}
	platform, err := platform.Lookup(pd.Platform)
	if err != nil {
		return fail(err)
	}
	if sr.step.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, sr.step.Timeout)
		defer cancel()
	}
	// The device's last config step saves the configuration once for all
	// of its config blocks that asked (a copy to startup can take seconds
	// on a real device), whether or not this block succeeded.
	defer func() {
		if !sr.lastConverge || ioErr != nil {
			return
		}
		if _, want := w.toSave.LoadAndDelete(pd.Name); !want {
			return
		}
		if result.Config == nil {
			result.Config = &ConfigOutcome{}
		}
		if err := w.save(ctx, sess, pd, platform, result.Config); err != nil && result.Status == OK {
			result.Status = Failed
			result.Error = w.mask.String(named(pd.Name, fmt.Errorf("the configuration is applied and verified, but %w", err)).Error())
		}
	}()

	before, err := readParsed(ctx, sess, platform)
	if err != nil {
		return fail(err)
	}
	digest := before.digest
	rem, err := before.remediate(desired, pd.Name)
	if err != nil {
		result.Status, result.Error = Failed, w.mask.String(named(pd.Name, err).Error())
		return result, nil
	}
	change := sr.step.Config
	lines, inverse := rem.Lines, rem.Inverse
	out := &ConfigOutcome{Digest: digest, Diff: maskAll(w.mask, renderLines(rem))}
	result.Config = out
	if change != nil && change.Refreshed {
		own, _ := w.left.Load(pd.Name)
		stale := func(what, was, now string) (StepResult, error) {
			result.Status = Failed
			result.Error = fmt.Sprintf("%s: %v: %s changed since the plan was made (%s, now %s); run netrun plan again",
				pd.Name, ErrStale, what, short(was), short(now))
			return result, nil
		}
		if want := desiredDigest(desired, pd.Name); change.DesiredDigest != want {
			return stale("the runbook's "+sr.step.Task, change.DesiredDigest, want)
		}
		// The remediation just computed is the plan's: same running and
		// desired configurations give the same lines. When an earlier
		// config block of this run changed the device, it is the one to
		// send now.
		if change.RunningDigest != digest && own != digest {
			return stale("its running configuration", change.RunningDigest, digest)
		}
	}
	defer func() {
		if result.Status == OK {
			w.left.Store(pd.Name, out.Digest)
		}
	}()
	if len(lines) == 0 {
		// Converged already: record what netrun verified, for drift.
		if err := w.writeConfig(state.Applied, before, pd.Name); err != nil {
			w.opts.Logger.Warn("could not record the applied configuration", "device", pd.Name, "error", err)
		}
		if desired.Save == "always" {
			w.toSave.Store(pd.Name, true)
		}
		result.Status = OK
		result.Results = []drivers.Result{{Command: sr.step.Task, Output: "No changes."}}
		return result, nil
	}

	// The backup is the configuration before this run's first change to
	// the device, not before each config block's.
	if _, done := w.backedUp.LoadOrStore(pd.Name, true); !done {
		if err := w.writeConfig(state.Backup, before, pd.Name); err != nil {
			w.backedUp.Delete(pd.Name)
			return fail(fmt.Errorf("backing up the running configuration before changing it: %w", err))
		}
	}
	res, err := sess.Configure(ctx, lines)
	res.Command = w.mask.String(res.Command)
	res.Output = w.mask.String(res.Output)
	res.Rejected = w.mask.String(res.Rejected)
	result.Results = append(result.Results, res)
	if err != nil {
		// The session is gone: the device may be half changed, and its
		// backup is in backups/.
		return fail(fmt.Errorf("%w (the device may be partly changed; its configuration before is in %s)", err, w.opts.Store.ConfigLocation(state.Backup, pd.Name)))
	}
	out.Changed = len(lines)
	var why error
	if res.Failed {
		why = fmt.Errorf("device rejected %q: %s", w.mask.String(res.Rejected), failureLine(res.Output, pd.Platform))
		if res.Rejected == "" {
			why = fmt.Errorf("device rejected the change: %s", failureLine(res.Output, pd.Platform))
		}
	} else {
		after, err := readParsed(ctx, sess, platform)
		if err != nil {
			return fail(fmt.Errorf("verifying the change: %w", err))
		}
		left, err := after.remediate(desired, pd.Name)
		switch {
		case err != nil:
			why = err
		case !left.Empty():
			why = fmt.Errorf("verification failed: after the change the device still differs:\n%s", strings.Join(renderLines(left), "\n"))
		default:
			out.Digest = after.digest
			if err := w.writeConfig(state.Applied, after, pd.Name); err != nil {
				w.opts.Logger.Warn("could not record the applied configuration", "device", pd.Name, "error", err)
			}
		}
	}
	if why != nil {
		msg := why.Error()
		if desired.Rollback == "on_failure" {
			if err := w.rollback(ctx, sess, pd, platform, before, rem, inverse); err != nil {
				msg += "; rollback FAILED: " + err.Error()
			} else {
				out.RolledBack = true
				msg += "; rolled back to the configuration before the change"
			}
		}
		result.Status = Failed
		result.Error = w.mask.String(named(pd.Name, errors.New(msg)).Error())
		return result, nil
	}
	if desired.Save != "never" {
		w.toSave.Store(pd.Name, true)
	}
	result.Status = OK
	return result, nil
}

// save saves the running configuration to startup, on platforms where a
// commit does not already.
func (w *walker) save(ctx context.Context, sess drivers.Session, pd plan.Device, platform platform.Platform, out *ConfigOutcome) error {
	if platform.SaveCommand == "" {
		return nil
	}
	res, err := sess.Run(ctx, platform.SaveCommand, drivers.WithExpect(platform.SaveExpect...))
	if err != nil {
		return fmt.Errorf("saving it failed: %w", err)
	}
	if res.Failed {
		return fmt.Errorf("%q failed: %s", platform.SaveCommand, failureLine(res.Output, pd.Platform))
	}
	out.Saved = true
	return nil
}

// rollback restores the configuration from before a failed change: it
// works out, from what the device shows now, what undoes the change's
// effects, sends it, and checks the device is back where it started.
func (w *walker) rollback(ctx context.Context, sess drivers.Session, pd plan.Device, platform platform.Platform, before *running, rem configtree.Remediation, inverse []string) error {
	now, err := readParsed(ctx, sess, platform)
	if err != nil {
		return err
	}
	// Prefer the exact difference between now and before; fall back to the
	// precomputed inverse when it cannot be worked out.
	undo, err := configtree.Diff(now.tree, undoDesired(rem), now.dialect)
	lines := undo.Lines
	if err != nil {
		lines = inverse
	}
	if len(lines) > 0 {
		res, err := sess.Configure(ctx, lines)
		if err != nil {
			return err
		}
		if res.Failed {
			return fmt.Errorf("device rejected the rollback: %s", failureLine(res.Output, pd.Platform))
		}
	}
	after, err := readParsed(ctx, sess, platform)
	if err != nil {
		return err
	}
	if !sameLines(after.tree, before.tree) {
		return errors.New("the configuration after the rollback differs from the backup")
	}
	return nil
}

// sameLines reports whether two configurations hold the same lines in the
// same sections. Order within a section is not compared: a device may list
// re-added lines (ntp servers, say) in another order than before.
func sameLines(a, b *configtree.Tree) bool {
	return slices.Equal(pathLines(a), pathLines(b))
}

func pathLines(t *configtree.Tree) []string {
	var out []string
	var walk func(prefix string, nodes []*configtree.Node)
	walk = func(prefix string, nodes []*configtree.Node) {
		for _, n := range nodes {
			out = append(out, prefix+n.Line)
			walk(prefix+n.Line+" \x00 ", n.Children)
		}
	}
	walk("", t.Children)
	slices.Sort(out)
	return out
}

// undoDesired is the desired state that reverses a remediation: lines it
// removed must be back, lines it added must be gone, and a single-valued
// setting it replaced (description, mtu) must have its old value again,
// which replaces the new one; negating the new one would leave none.
func undoDesired(rem configtree.Remediation) configtree.Desired {
	var text, absent strings.Builder
	for _, c := range rem.Changes {
		var b *strings.Builder
		line := c.Line
		switch {
		case c.Op == configtree.Remove:
			b = &text
		case c.Op == configtree.Add && c.Replaces != "":
			b, line = &text, c.Replaces
		case c.Op == configtree.Add:
			b = &absent
		default:
			continue
		}
		for i, p := range c.Path {
			b.WriteString(strings.Repeat(" ", i) + p + "\n")
		}
		b.WriteString(strings.Repeat(" ", len(c.Path)) + line + "\n")
	}
	return configtree.Desired{Text: text.String(), Absent: absent.String(), Match: configtree.Merge}
}

// writeConfig keeps a device's configuration, canonical (volatile lines
// such as "Current configuration : N bytes" dropped, so git diffs show only
// real changes) and with the runbook's secrets masked.
func (w *walker) writeConfig(kind state.ConfigKind, run *running, device string) error {
	text := w.mask.String(run.tree.String())
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	return w.opts.Store.PutConfig(kind, device, text)
}

// short abbreviates a digest for messages.
func short(digest string) string {
	if len(digest) > 19 {
		return digest[:19] + "…"
	}
	return digest
}
