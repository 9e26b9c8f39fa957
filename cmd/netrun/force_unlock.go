package main

import (
	"io"

	"github.com/netrun/netrun/cmd/netrun/views"
	"github.com/netrun/netrun/engine/state"
)

func runForceUnlock(wd string, a forceUnlockArgs, _ io.Reader, stdout, stderr io.Writer) int {
	if err := state.Open(within(wd, a.Dir), false).ForceUnlock(a.ID); err != nil {
		return errorf(stderr, "force-unlock: %v", err)
	}
	views.ForceUnlock{View: &views.View{Stdout: stdout, Stderr: stderr}}.Unlocked(a.ID)
	return 0
}
