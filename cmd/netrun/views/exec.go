package views

import (
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/engine"
)

// Exec is the view of netrun exec.
type Exec interface {
	Diagnostics(files map[string]*hcl.File, diags hcl.Diagnostics)
	// Event reports the run as it goes (the JSON form's stream).
	Event(e engine.Event)
	// Result shows each device's output under its name, in the report's
	// order, then a summary.
	Result(rep *engine.Report) error
}

// NewExec returns the exec view of the given type.
func NewExec(vt ViewType, v *View) Exec {
	if vt == JSON {
		return execJSON{newStreamView(v)}
	}
	return execHuman{v}
}

type execHuman struct{ *View }

func (execHuman) Event(engine.Event) {}

func (v execHuman) Result(rep *engine.Report) error {
	w := v.Stdout
	for _, d := range rep.Devices {
		fmt.Fprintf(w, "\n%s (%s): %s\n", d.Name, d.Host, d.Status)
		for _, s := range d.Steps {
			renderResults(w, "  ", d.Name, s.Results)
		}
		if d.Error != "" {
			fmt.Fprintf(w, "  Error: %s\n", d.Error)
		}
	}
	summary(w, v.stdoutColors(), "Exec", rep)
	return nil
}

// renderResults prints each command as the device's prompt would show it,
// then its output, every line indented.
func renderResults(w io.Writer, indent, device string, results []drivers.Result) {
	for _, r := range results {
		fmt.Fprintf(w, "%s%s# %s\n", indent, device, r.Command)
		for _, line := range strings.Split(r.Output, "\n") {
			fmt.Fprintf(w, "%s%s\n", indent, line)
		}
	}
}

// execJSON writes the event stream, as apply -json does: each device as it
// finishes, then the summary.
type execJSON struct{ streamView }

func (v execJSON) Event(e engine.Event) { v.s.event(e) }

func (v execJSON) Result(rep *engine.Report) error {
	v.s.applySummary(rep)
	return v.s.written()
}
