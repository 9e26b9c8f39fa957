package main

import (
	"io"

	"github.com/netrun/netrun/cmd/netrun/views"
	"github.com/netrun/netrun/engine"
)

func runForceUnlock(wd string, args []string, stdout, stderr io.Writer) int {
	a, err := parseForceUnlock(args, stderr)
	if err != nil {
		return argsFailed("force-unlock", err, stderr)
	}
	if err := engine.ForceUnlock(within(wd, a.Dir), a.ID); err != nil {
		return errorf(stderr, "force-unlock: %v", err)
	}
	views.ForceUnlock{View: &views.View{Stdout: stdout, Stderr: stderr}}.Unlocked(a.ID)
	return 0
}
