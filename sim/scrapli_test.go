package sim_test

import (
	"strings"
	"testing"

	"github.com/scrapli/scrapligo/driver/options"
	"github.com/scrapli/scrapligo/platform"
)

// TestScrapligoPlatforms drives each platform with scrapligo's own network
// driver and its unmodified platform definitions: privilege detection and
// escalation, on-open commands (paging off), a long output, configuration
// (with commit where the platform needs one) and failed-when-contains.
func TestScrapligoPlatforms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		platform string
		prompt   string // what GetPrompt returns once open
		show     string // long output: the running configuration
		configs  []string
		want     string // in the running config after configs
		invalid  string
	}{
		{"cisco_iosxe", "r1#", "show running-config",
			[]string{"interface GigabitEthernet2", "description via scrapli", "exit", "ntp server 10.0.0.7"},
			" description via scrapli\n", "show foo"},
		{"cisco_nxos", "r1#", "show running-config",
			[]string{"interface Ethernet1/2", "description via scrapli", "exit", "ntp server 10.0.0.7"},
			"  description via scrapli\n", "show foo"},
		{"cisco_iosxr", "RP/0/RP0/CPU0:r1#", "show running-config",
			[]string{"interface GigabitEthernet0/0/0/1", "description via scrapli", "exit", "ntp server 10.0.0.7", "commit"},
			" description via scrapli\n", "show foo"},
		{"arista_eos", "r1#", "show running-config",
			[]string{"interface Ethernet2", "description via scrapli", "exit", "ntp server 10.0.0.7"},
			"   description via scrapli\n", "show foo"},
		{"juniper_junos", "cisco@r1>", "show configuration",
			[]string{`set interfaces ge-0/0/1 description "via scrapli"`, "set system ntp server 10.0.0.7", "commit"},
			`description "via scrapli";`, "show foo"},
	}
	for _, tt := range tests {
		t.Run(tt.platform, func(t *testing.T) {
			t.Parallel()
			d := labDevice()
			d.Platform = tt.platform
			d.PageLength = 8 // the on-open commands must turn paging off
			s := start(t, d)
			p, err := platform.NewPlatform(tt.platform, "127.0.0.1",
				options.WithAuthNoStrictKey(),
				options.WithAuthUsername("cisco"),
				options.WithAuthPassword("cisco"),
				options.WithAuthSecondary("s3cret"),
				options.WithPort(s.Port()),
				options.WithTransportType("standard"),
				options.WithTimeoutOps(waitFor),
				options.WithTimeoutSocket(waitFor),
			)
			if err != nil {
				t.Fatal(err)
			}
			drv, err := p.GetNetworkDriver()
			if err != nil {
				t.Fatal(err)
			}
			if err := drv.Open(); err != nil {
				t.Fatal(err)
			}
			defer drv.Close()

			prompt, err := drv.GetPrompt()
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(prompt) != tt.prompt {
				t.Errorf("GetPrompt = %q, want %q", prompt, tt.prompt)
			}
			before, err := drv.SendCommand(tt.show)
			if err != nil {
				t.Fatal(err)
			}
			if before.Failed != nil || strings.Contains(before.Result, "More") || strings.Count(before.Result, "\n") < 20 {
				t.Errorf("%s: failed %v, output %q", tt.show, before.Failed, before.Result)
			}
			m, err := drv.SendConfigs(tt.configs)
			if err != nil {
				t.Fatal(err)
			}
			if m.Failed != nil {
				t.Errorf("SendConfigs failed: %v", m.Failed)
			}
			after, err := drv.SendCommand(tt.show)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(after.Result, tt.want) || !strings.Contains(after.Result, "10.0.0.7") {
				t.Errorf("configuration not running after SendConfigs:\n%s", after.Result)
			}
			bad, err := drv.SendCommand(tt.invalid)
			if err != nil {
				t.Fatal(err)
			}
			if bad.Failed == nil {
				t.Errorf("%s not marked failed: %q", tt.invalid, bad.Result)
			}
		})
	}
}
