package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/netrun/netrun/cmd/netrun/views"
	"github.com/netrun/netrun/engine/plan"
	"github.com/netrun/netrun/engine/state"
)

// runShow is netrun show: the last apply's results per device, read from
// the state of the runbook in DIR (the working directory by default), or
// netrun show PLANFILE: a saved plan as plan showed it.
func runShow(wd string, a showArgs, _ io.Reader, stdout, stderr io.Writer) int {
	v := views.NewShow(views.TypeOf(a.JSON), &views.View{Stdout: stdout, Stderr: stderr})
	path := within(wd, a.Path)
	if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
		p, err := plan.ReadFile(path)
		if err == nil {
			err = v.Plan(p)
		}
		if err != nil {
			return errorf(stderr, "%v", err)
		}
		return 0
	}
	st, code := readState(path, stderr)
	if st == nil {
		return code
	}
	if sel := a.Select.selection(); !sel.Empty() {
		if code := keepSelected(wd, a, sel, st, stdout, stderr); code != 0 {
			return code
		}
	}
	if err := v.State(st); err != nil {
		return errorf(stderr, "%v", err)
	}
	return 0
}

// keepSelected narrows st to the devices -limit and -target select in the
// runbook (which the selection's tags, groups and addresses need).
func keepSelected(wd string, a showArgs, sel plan.Selection, st *state.State, stdout, stderr io.Writer) int {
	dir := a.Path
	a.Vars.resolve(wd, &dir)
	c, ok := open(runbookArgs{Dir: dir, Vars: a.Vars, Select: sel}, &views.View{Stdout: stdout, Stderr: stderr}, stderr)
	if !ok {
		return 1
	}
	defer c.end()
	keep := map[string]bool{}
	for _, d := range c.plan.Devices {
		keep[d.Name] = true
	}
	for _, name := range st.DeviceNames() {
		if !keep[name] {
			st.RemoveDevice(name)
		}
	}
	return 0
}

// readState reads the state of the runbook in dir for the commands that
// show it; nil with the exit status when there is none to show.
func readState(dir string, stderr io.Writer) (*state.State, int) {
	st, err := state.Open(dir, false).ReadState()
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errorf(stderr, "no state here: run `netrun apply` in this directory first (or use -chdir=DIR)")
	}
	if err != nil {
		return nil, errorf(stderr, "%v", err)
	}
	return st, 0
}

// simulatedNote says on stderr that results are a simulation's.
func simulatedNote(st *state.State, stderr io.Writer, what string) {
	if st.Simulated {
		fmt.Fprintf(stderr, "netrun: these %s are from an apply -sim: simulators answered, not devices.\n", what)
	}
}
