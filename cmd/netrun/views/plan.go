package views

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/plan"
)

// Plan is the view of netrun plan.
type Plan interface {
	Diagnostics(files map[string]*hcl.File, diags hcl.Diagnostics)
	// Plan shows what apply will do; simulated says -sim serves the devices.
	Plan(p *plan.Plan, simulated bool) error
	// Saved tells where plan -out wrote the plan.
	Saved(path string)
	// Drift shows plan -refresh-only and returns the exit status: the human
	// form follows plan's (1 if a device could not be read, 2 for drift
	// with -detailed-exitcode); the JSON form has always exited 0, its
	// reader finding each device's status in the stream.
	Drift(drift []engine.DeviceDrift, detailed bool) (int, error)
}

// NewPlan returns the plan view of the given type.
func NewPlan(vt ViewType, v *View) Plan {
	if vt == JSON {
		return planJSON{newStreamView(v)}
	}
	return planHuman{v}
}

type planHuman struct{ *View }

func (v planHuman) Plan(p *plan.Plan, simulated bool) error {
	renderPlan(v.Stdout, v.stdoutColors(), p, simulated)
	return nil
}

func (v planHuman) Saved(path string) {
	fmt.Fprintf(v.Stdout, "\nSaved the plan to %s. To run exactly this plan: netrun apply %s\n", path, path)
}

// Drift prints the devices whose configuration changed since netrun last
// applied it, with the lines.
func (v planHuman) Drift(drift []engine.DeviceDrift, detailed bool) (int, error) {
	w, c := v.Stdout, v.stdoutColors()
	drifted, failed := 0, 0
	for _, d := range drift {
		switch d.Status {
		case engine.Drifted:
			drifted++
			fmt.Fprintf(w, "  # %s has drifted: its configuration changed since netrun applied it\n", d.Name)
			for _, l := range d.Lines {
				fmt.Fprintf(w, "%s\n", c.diff("  "+l))
			}
		case engine.DriftError:
			failed++
			fmt.Fprintln(w, c.err(fmt.Sprintf("  # %s: cannot read the device: %s", d.Name, d.Error)))
		case engine.NeverApplied:
			fmt.Fprintf(w, "  # %s: netrun has not applied a configuration to it yet\n", d.Name)
		default:
			fmt.Fprintf(w, "  # %s: in sync\n", d.Name)
		}
	}
	fmt.Fprintf(w, "\nDrift: %d of %s changed outside netrun.\n", drifted, plural(len(drift), "device"))
	switch {
	case failed > 0:
		return 1, nil
	case drifted > 0 && detailed:
		return 2, nil
	}
	return 0, nil
}

// planJSON writes a planned_change event per step, then the
// change_summary.
type planJSON struct{ streamView }

func (v planJSON) Plan(p *plan.Plan, _ bool) error {
	v.s.plannedChanges(p)
	v.s.planSummary(p)
	return v.s.written()
}

func (v planJSON) Saved(path string) { v.s.log("Saved the plan to " + path) }

// Drift writes a device_drift event per device, then a change_summary
// with the counts.
func (v planJSON) Drift(drift []engine.DeviceDrift, _ bool) (int, error) {
	n := map[string]int{}
	for _, d := range drift {
		n[d.Status]++
		level := "info"
		switch d.Status {
		case engine.Drifted:
			level = "warn"
		case engine.DriftError:
			level = "error"
		}
		s := d.Name + ": " + d.Status
		if d.Error != "" {
			s += ": " + d.Error
		}
		v.s.emit(time.Now(), level, eventDeviceDrift, s, map[string]any{"drift": d})
	}
	v.s.emit(time.Now(), "info", eventChangeSummary,
		fmt.Sprintf("Drift: %d of %s changed outside netrun.", n[engine.Drifted], plural(len(drift), "device")),
		map[string]any{"changes": map[string]any{"operation": "refresh-only", "devices": len(drift),
			"drifted": n[engine.Drifted], "in_sync": n[engine.InSync], "never_applied": n[engine.NeverApplied], "failed": n[engine.DriftError]}})
	return 0, v.s.written()
}

// renderPlan prints what apply will do, per device in natural order (the
// plan's, see state.NaturalCompare), each device's steps in the order they
// will run.
func renderPlan(w io.Writer, c colors, p *plan.Plan, simulated bool) {
	blocks := map[string]bool{}
	for _, d := range p.Devices {
		for _, s := range d.Steps {
			blocks[s.Task] = true
		}
	}
	fmt.Fprintf(w, "netrun will run %s on %s, %d sessions at a time.\n",
		plural(len(blocks), "block"), plural(len(p.Devices), "device"), p.Parallelism)
	if !p.Selection.Empty() {
		fmt.Fprintf(w, "Selected: %s (the rest of the runbook is left out).\n", p.Selection)
	}
	if simulated {
		fmt.Fprintln(w, "Simulated (-sim): every device is served by an in-process simulator; nothing is sent to real devices.")
	}
	for _, d := range p.Devices {
		mode := ""
		if d.Mode != "" && d.Mode != engine.ModeGoroutine {
			mode = ", " + d.Mode
		}
		fmt.Fprintf(w, "\n  # %s (%s:%d, %s via %s%s)\n", d.Name, d.Host, d.Port, d.Platform, d.Driver, mode)
		if len(d.Steps) == 0 {
			fmt.Fprintln(w, "    (no commands target this device)")
		}
		for _, s := range d.Steps {
			after := ""
			if len(s.DependsOn) > 0 {
				after = "   (after " + strings.Join(s.DependsOn, ", ") + ")"
			}
			if s.Action == plan.Converge {
				renderChange(w, c, d.Name, s)
				continue
			}
			if s.Action == plan.Configure {
				fmt.Fprintf(w, "%s%s\n", c.change(fmt.Sprintf("  ~ %s (configure)", s.Task)), after)
				for _, c := range s.Commands {
					fmt.Fprintf(w, "      %s\n", c)
				}
			} else {
				fmt.Fprintf(w, "%s%s\n", c.add("  + "+s.Task), after)
				for _, c := range s.Commands {
					fmt.Fprintf(w, "      > %s\n", c)
				}
			}
			for _, e := range s.Expect {
				answer := strconv.Quote(e.Answer)
				if e.Answer == "" {
					answer = "(Enter)"
				}
				fmt.Fprintf(w, "      ? /%s/ → %s\n", e.Prompt, answer)
			}
		}
	}
	fmt.Fprintf(w, "\nPlan: %s on %s.", plural(p.Steps(), "step"), plural(len(p.Devices), "device"))
	changed, unchanged, unknown, failed := configCounts(p)
	if changed+unchanged+unknown+failed > 0 {
		fmt.Fprintf(w, " Configuration: %d to change (%s), %d unchanged", changed, plural(changedLines(p), "line"), unchanged)
		if unknown > 0 {
			fmt.Fprintf(w, ", %d known only at apply", unknown)
		}
		if failed > 0 {
			fmt.Fprintf(w, ", %d could not be read", failed)
		}
		fmt.Fprint(w, ".")
	}
	fmt.Fprintln(w)
	if changed+unknown+failed == 0 && unchanged > 0 && !hasCommands(p) {
		fmt.Fprintln(w, "\nNo changes. Every device's configuration matches.")
	}
}

// renderChange shows what a config block will change on one device, as
// Terraform shows a resource: the diff under a header.
func renderChange(w io.Writer, c colors, device string, s plan.Step) {
	cfg := s.Config
	switch {
	case cfg == nil || !cfg.Refreshed && cfg.Error == "":
		fmt.Fprintf(w, "  # %s on %s: not read (-refresh=false); apply changes what differs from:\n", s.Task, device)
		if cfg != nil {
			for _, l := range cfg.Declared {
				fmt.Fprintf(w, "      %s\n", l)
			}
			for _, l := range cfg.Forbidden {
				fmt.Fprintf(w, "    absent: %s\n", l)
			}
		}
	case cfg.Error != "":
		fmt.Fprintln(w, c.err(fmt.Sprintf("  # %s on %s: cannot read the device: %s", s.Task, device, cfg.Error)))
	case cfg.Changed == 0:
		fmt.Fprintf(w, "  # %s on %s: No changes.\n", s.Task, device)
	default:
		fmt.Fprintf(w, "  # %s on %s will change %s\n", s.Task, device, plural(changeCount(cfg.Diff), "line"))
		for _, l := range cfg.Diff {
			fmt.Fprintln(w, c.diff("  "+l))
		}
	}
}

// changeCount counts the + and - lines of a diff (~ lines only enter a
// section).
func changeCount(diff []string) int {
	n := 0
	for _, l := range diff {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "+") || strings.HasPrefix(t, "-") {
			n++
		}
	}
	return n
}

func configCounts(p *plan.Plan) (changed, unchanged, unknown, failed int) {
	for _, d := range p.Devices {
		for _, s := range d.Steps {
			switch c := s.Config; {
			case c == nil:
			case c.Error != "":
				failed++
			case !c.Refreshed:
				unknown++
			case c.Changed > 0:
				changed++
			default:
				unchanged++
			}
		}
	}
	return
}

func changedLines(p *plan.Plan) int {
	n := 0
	for _, d := range p.Devices {
		for _, s := range d.Steps {
			if s.Config != nil {
				n += changeCount(s.Config.Diff)
			}
		}
	}
	return n
}

func hasCommands(p *plan.Plan) bool {
	for _, d := range p.Devices {
		for _, s := range d.Steps {
			if s.Action != plan.Converge {
				return true
			}
		}
	}
	return false
}
