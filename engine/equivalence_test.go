package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netrun/netrun/engine"
)

// platformCase is what one platform needs in a runbook: commands in its
// own words and a configuration change.
type platformCase struct {
	platform  string
	commands  []string // the last is a long output the simulator pages
	configure []string
	showConf  string // the running configuration, to see the change
	changed   string // text the change adds to it
}

var platformCases = []platformCase{
	{"cisco_iosxe", []string{"show version", "show ip interface brief", "show running-config"},
		[]string{"ntp server 10.0.0.1", "interface GigabitEthernet2", "description uplink to core"}, "show running-config", "ntp server 10.0.0.1"},
	{"cisco_nxos", []string{"show version", "show ip interface brief", "show running-config"},
		[]string{"ntp server 10.0.0.1"}, "show running-config", "ntp server 10.0.0.1"},
	{"cisco_iosxr", []string{"show version", "show ip interface brief", "show running-config"},
		[]string{"ntp server 10.0.0.1"}, "show running-config", "10.0.0.1"},
	{"arista_eos", []string{"show version", "show ip interface brief", "show running-config"},
		[]string{"ntp server 10.0.0.1"}, "show running-config", "ntp server 10.0.0.1"},
	{"juniper_junos", []string{"show version", "show interfaces terse", "show configuration"},
		[]string{"set system ntp server 10.0.0.1"}, "show configuration | display set", "set system ntp server 10.0.0.1"},
}

func quoted(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// equivalenceRunbook runs the platform's commands, a configuration change,
// and reads the configuration back, on one device with the given driver.
// Paging is left to the driver: the simulator pages at 10 lines until the
// platform's on-open commands turn it off.
func equivalenceRunbook(pc platformCase, driver string) string {
	return header + labDevice("d1", "192.0.2.1", fmt.Sprintf("platform = %q", pc.platform), fmt.Sprintf("driver = %q", driver),
		"sim { page_length = 10 }") + fmt.Sprintf(`
command "show" {
  commands = %s
}
command "change" {
  configure  = %s
  depends_on = [command.show]
}
command "after" {
  commands   = [%q]
  depends_on = [command.change]
}
command "rejected" {
  commands   = ["show flux capacitor"]
  depends_on = [command.after]
}
`, quoted(pc.commands), quoted(pc.configure), pc.showConf)
}

// TestDriverEquivalence: for every platform, the same runbook run with
// driver = "ssh" and driver = "scrapli" against the simulator gives
// identical outputs, over real SSH.
func TestDriverEquivalence(t *testing.T) {
	t.Parallel()
	for _, pc := range platformCases {
		t.Run(pc.platform, func(t *testing.T) {
			t.Parallel()
			results := map[string]map[string][]string{}
			failed := map[string]map[string]bool{}
			for _, drv := range []string{"ssh", "scrapli"} {
				f := newFixture(t, equivalenceRunbook(pc, drv), 1)
				rep := f.apply(context.Background())
				d := device(t, rep, "d1")
				want := map[string]engine.Status{
					"command.show": engine.OK, "command.change": engine.OK,
					"command.after": engine.OK, "command.rejected": engine.Failed,
				}
				if diff := cmp.Diff(want, statuses(d)); diff != "" {
					t.Fatalf("%s: statuses (-want +got):\n%s\nerror: %s", drv, diff, d.Error)
				}
				results[drv] = map[string][]string{}
				failed[drv] = map[string]bool{}
				for _, s := range d.Steps {
					for _, r := range s.Results {
						results[drv][s.Task] = append(results[drv][s.Task], r.Output)
						failed[drv][s.Task] = failed[drv][s.Task] || r.Failed
					}
				}
				after := results[drv]["command.after"]
				if len(after) != 1 || !strings.Contains(after[0], pc.changed) {
					t.Errorf("%s: the change is not in the configuration read back:\n%v", drv, after)
				}
				long := results[drv]["command.show"]
				if n := strings.Count(long[len(long)-1], "\n"); n <= 10 {
					t.Errorf("%s: %q has %d lines; want a long output that pages", drv, pc.commands[len(pc.commands)-1], n)
				}
				for task, outs := range results[drv] {
					for _, o := range outs {
						if strings.Contains(o, "More") || strings.Contains(o, "(more") {
							t.Errorf("%s: %s output keeps pager text:\n%s", drv, task, o)
						}
					}
				}
			}
			if diff := cmp.Diff(results["ssh"], results["scrapli"]); diff != "" {
				t.Errorf("outputs differ between drivers (-ssh +scrapli):\n%s", diff)
			}
			if diff := cmp.Diff(failed["ssh"], failed["scrapli"]); diff != "" {
				t.Errorf("failures differ between drivers (-ssh +scrapli):\n%s", diff)
			}
		})
	}
}
