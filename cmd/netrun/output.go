package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/netrun/netrun/cmd/netrun/views"
	"github.com/netrun/netrun/engine/state"
)

func runOutput(wd string, a outputArgs, _ io.Reader, stdout, stderr io.Writer) int {
	v := views.NewOutput(views.TypeOf(a.JSON), &views.View{Stdout: stdout, Stderr: stderr})
	st, err := state.Open(wd, false).ReadState()
	if err == nil && st.Simulated {
		fmt.Fprintln(stderr, "netrun: these outputs are from an apply -sim: simulators answered, not devices.")
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return errorf(stderr, "no state here: run `netrun apply` in this directory first (or use -chdir=DIR)")
		}
		return errorf(stderr, "%v", err)
	}
	if a.Name == "" {
		outputs, err := st.ResolvedOutputs()
		if err == nil {
			err = v.Outputs(outputs)
		}
		if err != nil {
			return errorf(stderr, "%v", err)
		}
		return 0
	}
	o, ok, err := st.Output(a.Name)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	if !ok {
		return errorf(stderr, "output %q not found; the last apply recorded: %s", a.Name, strings.Join(slices.Sorted(maps.Keys(st.Outputs)), ", "))
	}
	if o.Sensitive {
		return errorf(stderr, "output %q is sensitive: netrun does not store sensitive values, so it cannot show it", a.Name)
	}
	v.Value(o)
	return 0
}
