package plugin_test

import (
	"flag"
	"os/exec"
	"strconv"
	"testing"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/drivertest"
	"github.com/netrun/netrun/drivers/plugin"
)

// TestConformance runs the drivers' conformance suite through the pool:
// the built-in drivers served by worker processes, as subprocess mode runs
// them, must behave as they do in-process.
func TestConformance(t *testing.T) {
	// A test holds up to two sessions at once, each a process: a smaller
	// pool could leave parallel tests each waiting for another's process.
	parallel, err := strconv.Atoi(flag.Lookup("test.parallel").Value.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ssh", "scrapli"} {
		t.Run(name, func(t *testing.T) {
			p := plugin.NewPool("worker", func() *exec.Cmd { return exec.Command(workerPath) }, 2*parallel)
			t.Cleanup(func() {
				p.Close()
				checkNoChildren(t)
			})
			drivertest.Run(t, func(testing.TB) drivers.Driver { return p.Driver(name) },
				drivertest.Skip("OpenBounded/cancelled", "the pool refuses an ended context before a process dials: no ErrConnect"))
		})
	}
}
