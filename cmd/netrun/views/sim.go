package views

import "fmt"

// Sim is the view of netrun sim (human only: it takes no -json).
type Sim struct{ *View }

// Serving says which devices are served where, and how to stop.
func (v Sim) Serving(count int, platform, prefix, first, last, knownHosts string) {
	fmt.Fprintf(v.Stdout, "Serving %d simulated %s devices (%s1..%s%d) on %s .. %s\n",
		count, platform, prefix, prefix, count, first, last)
	if knownHosts != "" {
		fmt.Fprintf(v.Stdout, "Host keys written to %s\n", knownHosts)
	}
	fmt.Fprintln(v.Stdout, "Press Ctrl-C to stop.")
}

func (v Sim) Stopping() { fmt.Fprintln(v.Stdout, "Stopping.") }
