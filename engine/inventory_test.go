package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/netrun/netrun/engine"
)

// TestInheritedInventory: devices that set only a host get their
// credentials and platform from defaults and groups, and a run over the
// simulators reaches them with those: the device in the EOS group is served
// as EOS and answers as EOS, the other as the defaults' IOS-XE. A config
// block's text as a list of lines applies as the same lines written as a
// string would.
func TestInheritedInventory(t *testing.T) {
	t.Parallel()
	src := header + `
defaults {
  credentials = credentials.lab
  platform    = "cisco_iosxe"
  timeout     = "20s"
}
group "eos" {
  platform = "arista_eos"
  tags     = ["eos"]
}
device "ios1" {
  host = "192.0.2.1"
}
device "eos1" {
  host   = "192.0.2.2"
  groups = [group.eos]
}
command "version" {
  commands = ["show version"]
}
config "banner" {
  devices = [device.eos1]
  text    = ["interface Ethernet1", "  description uplink"]
}
`
	f := newFixture(t, src, 2)
	rep := f.apply(context.Background())
	for name, want := range map[string]string{"ios1": "Cisco IOS XE", "eos1": "Arista"} {
		d := device(t, rep, name)
		if d.Status != engine.OK {
			t.Fatalf("%s: %s %s", name, d.Status, d.Error)
		}
		if dev := f.rb.Device(name); dev.CredentialsName != "lab" {
			t.Errorf("%s: credentials %q, want lab from defaults", name, dev.CredentialsName)
		}
		if out := d.Steps[0].Results[0].Output; !strings.Contains(out, want) {
			t.Errorf("%s: show version = %q, want %q in it", name, out, want)
		}
	}
	if got := f.rb.Device("eos1").Tags; len(got) != 1 || got[0] != "eos" {
		t.Errorf("eos1 tags = %q, want [eos]", got)
	}
	running := f.fleet.Servers["eos1"].RunningConfig()
	if !strings.Contains(running, "interface Ethernet1\n   description uplink") {
		t.Errorf("eos1 running config lacks the configured lines:\n%s", running)
	}
}
