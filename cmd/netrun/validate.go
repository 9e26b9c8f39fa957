package main

import (
	"io"

	"github.com/netrun/netrun/cmd/netrun/views"
	"github.com/netrun/netrun/engine"
)

func runValidate(wd string, args []string, stdout, stderr io.Writer) int {
	a, err := parseValidate(args, stderr)
	if err != nil {
		return argsFailed("validate", err, stderr)
	}
	a.Vars.resolve(wd, &a.Dir)
	v := views.NewValidate(views.TypeOf(a.JSON), &views.View{Stdout: stdout, Stderr: stderr})
	c, err := begin(a.Dir, stderr)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	defer c.end()
	// The plan is built for its diagnostics only (cycles, credentials).
	rb, _, files, diags := c.load(a.Dir, a.Vars, 0)
	v.Diagnostics(files, diags)
	if diags.HasErrors() {
		return 1
	}
	if err := engine.CheckMode(rb, engine.ChooseMode("", rb, nil), c.set.isPlugin); err != nil {
		return errorf(stderr, "%v", err)
	}
	v.Valid(rb)
	return 0
}
