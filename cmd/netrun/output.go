package main

import (
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/netrun/netrun/cmd/netrun/views"
)

func runOutput(wd string, a outputArgs, _ io.Reader, stdout, stderr io.Writer) int {
	v := views.NewOutput(views.TypeOf(a.JSON), &views.View{Stdout: stdout, Stderr: stderr})
	st, code := readState(wd, stderr)
	if st == nil {
		return code
	}
	simulatedNote(st, stderr, "outputs")
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
	if a.Raw {
		if err := views.Raw(stdout, o); err != nil {
			return errorf(stderr, "output %q: %v", a.Name, err)
		}
		return 0
	}
	v.Value(o)
	return 0
}
