package views

import (
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/plan"
	"github.com/netrun/netrun/engine/state"
)

// Apply is the view of netrun apply.
type Apply interface {
	Diagnostics(files map[string]*hcl.File, diags hcl.Diagnostics)
	// Plan shows what is about to run, before the approval.
	Plan(p *plan.Plan, simulated bool)
	// AskApproval asks to go ahead; the answer is read from stdin.
	AskApproval()
	Cancelled()
	// Applying says the run starts.
	Applying(p *plan.Plan)
	// Event shows what the run reports as it goes (engine.Options.Events):
	// called from every device's goroutine.
	Event(e engine.Event)
	// Result shows every device's results, then the outputs.
	Result(rep *engine.Report, outputs map[string]state.OutputState) error
}

// NewApply returns the apply view of the given type.
func NewApply(vt ViewType, v *View) Apply {
	if vt == JSON {
		return applyJSON{newStreamView(v)}
	}
	return applyHuman{v}
}

type applyHuman struct{ *View }

func (v applyHuman) Plan(p *plan.Plan, simulated bool) {
	renderPlan(v.Stdout, v.stdoutColors(), p, simulated)
}

func (v applyHuman) AskApproval() {
	fmt.Fprint(v.Stdout, "\nDo you want to run these commands?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ")
}

func (v applyHuman) Cancelled() { fmt.Fprintln(v.Stdout, "\nApply cancelled.") }

func (v applyHuman) Applying(p *plan.Plan) {
	fmt.Fprintf(v.Stdout, "\nApplying on %d devices, %d at a time...\n", len(p.Devices), p.Parallelism)
}

func (applyHuman) Event(engine.Event) {}

func (v applyHuman) Result(rep *engine.Report, outputs map[string]state.OutputState) error {
	v.report(rep)
	renderOutputs(v.Stdout, outputs)
	return nil
}

// report prints every device's outputs and errors, then a summary.
func (v applyHuman) report(rep *engine.Report) {
	w, c := v.Stdout, v.stdoutColors()
	for _, d := range rep.Devices {
		fmt.Fprintf(w, "\n%s (%s): %s\n", d.Name, d.Host, d.Status)
		for _, s := range d.Steps {
			if s.Status != engine.OK && len(s.Results) == 0 {
				if s.Status == engine.Skipped || s.Status == engine.Cancelled {
					fmt.Fprintf(w, "  %s: %s\n", s.Task, s.Status)
				}
				continue
			}
			fmt.Fprintf(w, "  %s\n", s.Task)
			if cfg := s.Config; cfg != nil {
				switch {
				case cfg.Changed == 0:
					fmt.Fprintln(w, "    No changes.")
				default:
					fmt.Fprintf(w, "    changed %s", plural(changeCount(cfg.Diff), "line"))
					if cfg.Saved {
						fmt.Fprint(w, ", saved")
					}
					if cfg.RolledBack {
						fmt.Fprint(w, c.err("; ROLLED BACK"))
					}
					fmt.Fprintln(w)
					for _, l := range cfg.Diff {
						fmt.Fprintln(w, c.diff("    "+l))
					}
				}
				continue
			}
			renderResults(w, "    ", d.Name, s.Results)
		}
		if d.Error != "" {
			fmt.Fprintf(w, "  %s %s\n", c.err(c.bold("Error:")), d.Error)
		}
	}
	summary(w, c, "Apply", rep)
}

// summary counts the devices by how they ended and names those that did
// not succeed, with why: "Apply complete: 2 succeeded, 1 failed ...".
func summary(w io.Writer, c colors, what string, rep *engine.Report) {
	ok, failed, other := rep.Counts()
	fmt.Fprintf(w, "\n%s complete: %d succeeded, %d failed", what, ok, failed)
	if other > 0 {
		fmt.Fprintf(w, ", %d skipped or cancelled", other)
	}
	fmt.Fprintf(w, " (%d devices in %s).\n", len(rep.Devices), rep.Finished.Sub(rep.Started).Round(1e6))
	for _, d := range rep.Devices {
		if d.Status != engine.OK {
			msg := d.Error
			if msg == "" {
				msg = string(d.Status)
			}
			if !strings.HasPrefix(msg, d.Name+": ") {
				msg = d.Name + ": " + msg
			}
			fmt.Fprintln(w, c.err("  "+msg))
		}
	}
}

// applyJSON writes the stream: the planned changes, each device's events
// as the run goes, then the change_summary and the outputs. It is never
// asked for approval (apply -json needs -auto-approve).
type applyJSON struct{ streamView }

func (v applyJSON) Plan(p *plan.Plan, _ bool) { v.s.plannedChanges(p) }
func (applyJSON) AskApproval()                {}
func (v applyJSON) Cancelled()                { v.s.log("Apply cancelled.") }

func (v applyJSON) Applying(p *plan.Plan) {
	v.s.log(fmt.Sprintf("Applying on %s, %d at a time...", plural(len(p.Devices), "device"), p.Parallelism))
}

func (v applyJSON) Event(e engine.Event) { v.s.event(e) }

func (v applyJSON) Result(rep *engine.Report, outputs map[string]state.OutputState) error {
	v.s.applySummary(rep)
	v.s.outputs(outputs)
	return v.s.written()
}
