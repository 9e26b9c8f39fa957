package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/plan"
)

// Every plan step carries a digest of what it sends (plan.Step.Digest), so
// a saved plan applies only what was planned: apply sends the runbook's own
// lines (the plan's are masked), and refuses, step by step, those the
// runbook changed since. Config steps are pinned further by the digest of
// the running configuration they were planned against (converge.go).

// digest hashes parts, each length-prefixed so no two lists of parts hash
// alike.
func digest(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s", len(p), p)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// commandDigest pins what a command block sends: commands, configuration
// lines, expect prompts and answers, and its timeout.
func commandDigest(c *config.Command) string {
	parts := append([]string{"commands"}, c.Commands...)
	parts = append(append(parts, "configure"), c.Configure...)
	for _, e := range c.Expect {
		parts = append(parts, "expect", e.Prompt, e.Answer)
	}
	return digest(append(parts, "timeout", c.Timeout.String())...)
}

// convergeDigest pins a config block on one device: its desired state and
// how it is applied.
func convergeDigest(d *config.Desired, device string) string {
	return digest("config", d.Match, d.Text[device], d.Absent[device], d.Save, d.Rollback, d.Timeout.String())
}

// refusal says why a plan step must not run against the runbook the walk
// was given, naming the device, the step and what changed; "" when the
// step sends what was planned.
func (w *walker) refusal(pd plan.Device, st plan.Step) string {
	if st.Digest == "" {
		return ""
	}
	var devices []string
	var want string
	var now func() plan.Step // the runbook's step, to say what changed
	switch st.Action {
	case plan.Converge:
		d, ok := w.desired[st.Task]
		if !ok {
			return w.stale(pd, st, "it is no longer in the runbook")
		}
		devices, want = d.Devices, convergeDigest(d, pd.Name)
		now = func() plan.Step { return convergeStep(d, pd.Name, w.mask) }
	default:
		c, ok := w.commands[st.Task]
		if !ok {
			return w.stale(pd, st, "it is no longer in the runbook")
		}
		cur := w.commandSteps[st.Task]
		devices, want = c.Devices, cur.Digest
		now = func() plan.Step { return cur }
	}
	switch {
	case !slices.Contains(devices, pd.Name):
		return w.stale(pd, st, "it no longer runs on "+pd.Name)
	case st.Digest != want:
		return w.stale(pd, st, changed(st, now()))
	}
	return ""
}

func (w *walker) stale(pd plan.Device, st plan.Step, what string) string {
	return fmt.Sprintf("%s: %s: %v: %s; run netrun plan again", pd.Name, st.Task, ErrStale, what)
}

// changed says what differs between a planned step and the runbook's, as
// shown (secrets masked).
func changed(was, now plan.Step) string {
	since := " changed since the plan was made"
	switch {
	case was.Action != now.Action:
		return fmt.Sprintf("its kind%s (was %s, now %s)", since, was.Action, now.Action)
	case !slices.Equal(was.Commands, now.Commands):
		what := "its commands"
		if was.Action == plan.Configure {
			what = "its configuration lines"
		}
		return what + since + " (" + firstDifference(was.Commands, now.Commands) + ")"
	case was.Config != nil && now.Config != nil && !slices.Equal(was.Config.Declared, now.Config.Declared):
		return "its text" + since + " (" + firstDifference(was.Config.Declared, now.Config.Declared) + ")"
	case was.Config != nil && now.Config != nil && !slices.Equal(was.Config.Forbidden, now.Config.Forbidden):
		return "its absent lines" + since + " (" + firstDifference(was.Config.Forbidden, now.Config.Forbidden) + ")"
	case was.Config != nil && now.Config != nil &&
		(was.Config.Match != now.Config.Match || was.Config.Save != now.Config.Save || was.Config.Rollback != now.Config.Rollback):
		return fmt.Sprintf("its match, save or rollback%s (was %s/%s/%s, now %s/%s/%s)", since,
			was.Config.Match, was.Config.Save, was.Config.Rollback, now.Config.Match, now.Config.Save, now.Config.Rollback)
	case !slices.Equal(was.Expect, now.Expect):
		return "its expect answers" + since
	case was.Timeout != now.Timeout:
		return fmt.Sprintf("its timeout%s (was %s, now %s)", since, timeoutText(was.Timeout), timeoutText(now.Timeout))
	}
	return "a sensitive value in it" + since
}

func timeoutText(d time.Duration) string {
	if d == 0 {
		return "the device's"
	}
	return d.String()
}

// firstDifference names the first line that differs between two lists.
func firstDifference(was, now []string) string {
	line := func(l []string, i int) string {
		if i < len(l) {
			return fmt.Sprintf("%q", l[i])
		}
		return "none"
	}
	for i := range max(len(was), len(now)) {
		if i >= len(was) || i >= len(now) || was[i] != now[i] {
			return fmt.Sprintf("line %d was %s, now %s", i+1, line(was, i), line(now, i))
		}
	}
	return ""
}
