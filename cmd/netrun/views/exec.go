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
	// Result shows each device's output under its name, in the report's
	// order, then a summary.
	Result(rep *engine.Report) error
}

// NewExec returns the exec view of the given type.
func NewExec(vt ViewType, v *View) Exec {
	if vt == JSON {
		return execJSON{jsonView{View: v, onlyProblems: true}}
	}
	return execHuman{v}
}

type execHuman struct{ *View }

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
	summary(w, "Exec", rep)
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

// execJSON writes one value at the end, as apply -json does: the report.
type execJSON struct{ jsonView }

func (v execJSON) Result(rep *engine.Report) error {
	return v.write(struct {
		Report *engine.Report `json:"report"`
	}{rep})
}
