// Command plugin-worker is a test worker: it serves the built-in drivers
// ("ssh", "scrapli") with ServeRegistry, as netrun's subprocess mode does,
// so the conformance suite runs through the pool against real sessions. It
// imports drivertest for the suite's test-only platforms.
package main

import (
	"fmt"
	"os"

	"github.com/netrun/netrun/drivers"
	_ "github.com/netrun/netrun/drivers/drivertest"
	"github.com/netrun/netrun/drivers/plugin"
	"github.com/netrun/netrun/drivers/scrapli"
	"github.com/netrun/netrun/drivers/sshraw"
)

func main() {
	raw, err := sshraw.New()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	scr, err := scrapli.New()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	plugin.ServeRegistry("0.0.0", drivers.Registry{"ssh": raw, "scrapli": scr})
}
