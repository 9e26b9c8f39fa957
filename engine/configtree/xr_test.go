package configtree_test

import (
	"slices"
	"testing"

	"github.com/netrun/netrun/engine/configtree"
)

// On IOS-XR, "ntp server X" is a one-line command at (config)#: no exit
// may follow it (exit with an uncommitted candidate asks a question).
func TestIOSXROneLinersAreNotSections(t *testing.T) {
	t.Parallel()
	d, err := configtree.DialectFor("cisco_iosxr")
	if err != nil {
		t.Fatal(err)
	}
	rem, err := configtree.Diff(configtree.Parse("hostname r1\n", d), configtree.Desired{Text: "ntp server 10.0.0.1\nlogging 10.0.0.9\n"}, d)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(rem.Lines, "exit") {
		t.Errorf("lines = %q, want no exit after one-line commands", rem.Lines)
	}
	rem, err = configtree.Diff(configtree.Parse("hostname r1\n", d), configtree.Desired{Text: "ntp\n server 10.0.0.1\n"}, d)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ntp", "server 10.0.0.1", "exit"}; !slices.Equal(rem.Lines, want) {
		t.Errorf("ntp section lines = %q, want %q", rem.Lines, want)
	}
}
