package views

import "fmt"

// ForceUnlock is the view of netrun force-unlock (human only: it takes no
// -json).
type ForceUnlock struct{ *View }

func (v ForceUnlock) Unlocked(id string) {
	fmt.Fprintf(v.Stdout, "Lock %s removed. Runs of this runbook can go ahead.\n", id)
}
