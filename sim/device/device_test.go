package device_test

import (
	"slices"
	"testing"

	"github.com/netrun/netrun/sim/device"
)

func TestPlatforms(t *testing.T) {
	got := device.Platforms()
	want := []string{"arista_eos", "cisco_ios", "cisco_iosxe", "cisco_iosxr", "cisco_nxos", "juniper_junos"}
	if !slices.Equal(got, want) {
		t.Errorf("Platforms() = %q, want %q", got, want)
	}
	for _, p := range got {
		if _, err := device.New(device.Device{Platform: p}); err != nil {
			t.Errorf("New(%s): %v", p, err)
		}
	}
}
