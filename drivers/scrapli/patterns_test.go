package scrapli

import (
	"testing"

	"github.com/netrun/netrun/drivers/platform"
)

// The driver's expressions are drivers/platform's, the ssh driver's too.
func TestPatternsShared(t *testing.T) {
	p := platform.Platforms["cisco_iosxe"]
	p.DefaultExpect = []platform.Expect{{Prompt: `\[confirm\]`, Answer: "y"}}
	pt, err := compile(p)
	if err != nil {
		t.Fatal(err)
	}
	shared, err := p.Patterns()
	if err != nil {
		t.Fatal(err)
	}
	if pt.prompt != shared.Prompt || pt.password != shared.Password || pt.pager != shared.Pager {
		t.Error("scrapli compiled the platform's patterns itself")
	}
	if len(pt.expect) != 1 || pt.expect[0].re != shared.Expect[0] || pt.expect[0].answer != "y" {
		t.Errorf("default expect: %+v", pt.expect)
	}
}
