package engine_test

import (
	"context"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netrun/netrun/engine"
)

// TestApplyEvents: each device reports its start (when it begins to
// connect), each step as it completes and its end, in that order; a device
// whose login is refused did start, one whose only step is skipped (it never
// connects) has its step and its completion only.
func TestApplyEvents(t *testing.T) {
	t.Parallel()
	f := newFixture(t, header+labDevice("good", "192.0.2.1")+labDevice("badauth", "192.0.2.2", `sim { password = "not-what-we-send" }`)+
		labDevice("later", "192.0.2.3")+
		block("command", "probe", `devices = [device.good, device.badauth]`, `commands = ["show clock"]`)+
		block("command", "after", `devices = [device.later]`, `commands = ["show clock"]`, `depends_on = [command.probe]`), 3)
	var mu sync.Mutex
	got := map[string][]string{}
	f.opts.Events = func(e engine.Event) {
		mu.Lock()
		defer mu.Unlock()
		s := e.Kind.String()
		switch e.Kind {
		case engine.StepComplete:
			s += " " + e.Step + " " + string(e.StepResult.Status)
		case engine.DeviceComplete:
			s += " " + string(e.Result.Status)
		}
		if e.Time.IsZero() {
			t.Errorf("%s %s has no time", e.Device, s)
		}
		got[e.Device] = append(got[e.Device], s)
	}
	f.apply(context.Background())
	want := map[string][]string{
		"good":    {"device_start", "step_complete command.probe ok", "device_complete ok"},
		"badauth": {"device_start", "step_complete command.probe failed", "device_complete failed"},
		"later":   {"step_complete command.after skipped", "device_complete skipped"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
}
