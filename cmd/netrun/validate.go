package main

import (
	"io"

	"github.com/netrun/netrun/cmd/netrun/views"
)

// runValidate loads the runbook and builds its plan for the diagnostics
// only (cycles, missing credentials, jump hosts the mode cannot serve); no
// device is contacted.
func runValidate(wd string, a validateArgs, _ io.Reader, stdout, stderr io.Writer) int {
	a.Vars.resolve(wd, &a.Dir)
	v := views.NewValidate(views.TypeOf(a.JSON), &views.View{Stdout: stdout, Stderr: stderr, Version: version})
	c, ok := open(runbookArgs{Dir: a.Dir, Vars: a.Vars}, v, stderr)
	if !ok {
		return 1
	}
	defer c.end()
	v.Valid(c.rb)
	return 0
}
