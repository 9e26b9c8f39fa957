package views

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/netrun/netrun/engine/plan"
	"github.com/netrun/netrun/engine/state"
)

// Show is the view of netrun show and netrun state show: the last apply's
// results per device, or a saved plan.
type Show interface {
	// State shows every device of the state, in natural order.
	State(st *state.State) error
	// Device shows one device of the state.
	Device(name string, d state.DeviceState) error
	// Plan shows a saved plan as plan showed it.
	Plan(p *plan.Plan) error
}

// NewShow returns the show view of the given type.
func NewShow(vt ViewType, v *View) Show {
	if vt == JSON {
		return showJSON{jsonView{View: v}}
	}
	return showHuman{v}
}

type showHuman struct{ *View }

func (v showHuman) State(st *state.State) error {
	if st.Simulated {
		fmt.Fprintln(v.Stdout, "These results are from an apply -sim: simulators answered, not devices.")
	}
	if !st.Started.IsZero() {
		fmt.Fprintf(v.Stdout, "Last apply: %s.\n", when(st.Started, st.Finished))
	}
	for _, name := range st.DeviceNames() {
		fmt.Fprintln(v.Stdout)
		renderDevice(v.Stdout, name, st.Devices[name])
	}
	return nil
}

func (v showHuman) Device(name string, d state.DeviceState) error {
	renderDevice(v.Stdout, name, d)
	return nil
}

func (v showHuman) Plan(p *plan.Plan) error {
	renderPlan(v.Stdout, v.stdoutColors(), p, p.Simulated)
	return nil
}

// renderDevice prints a device's heading (status, when, where) and its
// results as its results file holds them.
func renderDevice(w io.Writer, name string, d state.DeviceState) {
	fmt.Fprintf(w, "%s (%s): %s", name, d.Host, d.Status)
	if !d.Started.IsZero() {
		fmt.Fprintf(w, ", %s", when(d.Started, d.Finished))
	}
	if d.Stale {
		fmt.Fprint(w, "; not reached by the last apply: these results are from an earlier one")
	}
	fmt.Fprintln(w)
	_, body, _ := strings.Cut(d.Text(name), "\n")
	for _, line := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		if line == "" {
			fmt.Fprintln(w)
			continue
		}
		fmt.Fprintf(w, "  %s\n", line)
	}
}

// when is a run's start and how long it took.
func when(started, finished time.Time) string {
	return fmt.Sprintf("%s (%s)", started.Local().Format(time.RFC3339), finished.Sub(started).Round(time.Millisecond))
}

// showJSON writes one value: the state with its devices as a list in
// natural order, each with its times.
type showJSON struct{ jsonView }

type shownDevice struct {
	Name string `json:"name"`
	state.DeviceState
	Started  time.Time `json:"started,omitzero"`
	Finished time.Time `json:"finished,omitzero"`
}

func (v showJSON) State(st *state.State) error {
	devices := []shownDevice{}
	for _, name := range st.DeviceNames() {
		d := st.Devices[name]
		devices = append(devices, shownDevice{name, d, d.Started, d.Finished})
	}
	return v.write(struct {
		Simulated bool          `json:"simulated,omitempty"`
		Started   time.Time     `json:"started,omitzero"`
		Finished  time.Time     `json:"finished,omitzero"`
		Devices   []shownDevice `json:"devices"`
	}{st.Simulated, st.Started, st.Finished, devices})
}

func (v showJSON) Device(name string, d state.DeviceState) error {
	return v.write(shownDevice{name, d, d.Started, d.Finished})
}

func (v showJSON) Plan(p *plan.Plan) error { return v.write(p) }

// StateList prints addresses one a line, for netrun state list.
func StateList(w io.Writer, addrs []string) {
	for _, a := range addrs {
		fmt.Fprintln(w, a)
	}
}
