package device_test

import (
	"slices"
	"testing"

	"github.com/netrun/netrun/drivers/platform"
	"github.com/netrun/netrun/engine/configtree"
	"github.com/netrun/netrun/sim/device"
)

// TestEveryPlatformEverywhere ties the three places a platform must be
// known: its driver data and dialect (drivers/platform), the diff that uses
// the dialect (engine/configtree), and a simulator persona that tests and
// -sim run against. A platform added to one and not the others fails here.
func TestEveryPlatformEverywhere(t *testing.T) {
	personas := device.Platforms()
	for _, name := range platform.Names() {
		p, err := platform.Lookup(name)
		if err != nil {
			t.Fatalf("Lookup(%s): %v", name, err)
		}
		if !p.CommandsOnly {
			if _, err := configtree.DialectFor(name); err != nil {
				t.Errorf("%s: no config dialect and not marked commands-only: %v", name, err)
			}
		}
		if !slices.Contains(personas, name) {
			t.Errorf("%s: no simulator persona in sim/device", name)
		}
	}
	for _, name := range personas {
		if _, err := platform.Lookup(name); err != nil {
			t.Errorf("simulator persona %s is not a platform drivers know: %v", name, err)
		}
	}
}
