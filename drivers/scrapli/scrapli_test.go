package scrapli_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/drivertest"
	"github.com/netrun/netrun/drivers/platform"
	"github.com/netrun/netrun/drivers/scrapli"
	"github.com/netrun/netrun/drivers/sshraw"
	"github.com/netrun/netrun/sim"
)

// pagedSuffix names each platform's test-only twin without on-open
// commands, so paging stays on.
const pagedSuffix = "_scrapli_test_paged"

func TestMain(m *testing.M) {
	for _, tc := range platformCases {
		p := platform.Platforms[tc.platform]
		p.Name, p.OnOpen = tc.platform+pagedSuffix, nil
		platform.Platforms[p.Name] = p
	}
	os.Exit(m.Run())
}

var newDriver = drivertest.NewDriver(scrapli.New)

// TestConformance: what every driver does (drivertest.Run). What follows
// is this driver's own: every platform scrapligo plays, and equivalence
// with the ssh driver.
func TestConformance(t *testing.T) {
	t.Parallel()
	drivertest.Run(t, newDriver)
}

// target is drivertest.Target on platform.
func target(s *sim.Server, platform string) drivers.Target {
	tg := drivertest.Target(s)
	tg.Platform = platform
	return tg
}

// platformCase is what each platform runs: a short and a long show, a
// command the device rejects, and a configuration change visible in the
// long show afterwards.
type platformCase struct {
	platform string
	prompt   string // must never appear in outputs
	long     string
	bad      string
	config   []string
	want     string // in the long show after config
}

var platformCases = []platformCase{
	{"cisco_iosxe", "r1#", "show running-config", "show foo",
		[]string{"interface GigabitEthernet2", "description via netrun", "exit", "ntp server 10.0.0.7"}, "description via netrun"},
	{"cisco_ios", "r1#", "show running-config", "show foo",
		[]string{"interface GigabitEthernet0/1", "description via netrun", "exit", "ntp server 10.0.0.7"}, "description via netrun"},
	{"cisco_nxos", "r1#", "show running-config", "show foo",
		[]string{"interface Ethernet1/2", "description via netrun", "exit", "ntp server 10.0.0.7"}, "description via netrun"},
	{"cisco_iosxr", "RP/0/RP0/CPU0:r1#", "show running-config", "show foo",
		[]string{"interface GigabitEthernet0/0/0/1", "description via netrun", "exit", "ntp server 10.0.0.7"}, "description via netrun"},
	{"arista_eos", "r1#", "show running-config", "show foo",
		[]string{"interface Ethernet2", "description via netrun", "exit", "ntp server 10.0.0.7"}, "description via netrun"},
	{"juniper_junos", "cisco@r1>", "show configuration", "show foo",
		[]string{`set interfaces ge-0/0/1 description "via netrun"`, "set system ntp server 10.0.0.7"}, `description "via netrun";`},
}

// eachPlatform runs f in a parallel subtest for each of platformCases, on a
// simulator of that platform that pages after pageLength lines.
func eachPlatform(t *testing.T, pageLength int, f func(t *testing.T, tc platformCase, s *sim.Server)) {
	t.Parallel()
	for _, tc := range platformCases {
		t.Run(tc.platform, func(t *testing.T) {
			t.Parallel()
			f(t, tc, drivertest.StartSim(t, sim.Device{Platform: tc.platform, PageLength: pageLength}))
		})
	}
}

func TestPlatforms(t *testing.T) {
	eachPlatform(t, 8, func(t *testing.T, tc platformCase, s *sim.Server) {
		sess := drivertest.MustOpen(t, newDriver(t), target(s, tc.platform))

		for _, cmd := range []string{"show version", tc.long} {
			res := drivertest.MustRun(t, sess, cmd)
			if res.Failed || res.Output == "" {
				t.Errorf("%s: %+v", cmd, res)
			}
			if strings.HasPrefix(res.Output, cmd) {
				t.Errorf("%s: output starts with the echo:\n%s", cmd, res.Output)
			}
			for _, bad := range []string{tc.prompt, "\r", "\x1b", "--More--", "---(more"} {
				if strings.Contains(res.Output, bad) {
					t.Errorf("%s: output contains %q:\n%s", cmd, bad, res.Output)
				}
			}
			if res.Output != strings.Trim(res.Output, "\n") {
				t.Errorf("%s: output not trimmed: %q", cmd, res.Output)
			}
			if res.Command != cmd || res.Started.IsZero() || res.Finished.Before(res.Started) {
				t.Errorf("%s: bad result metadata %+v", cmd, res)
			}
		}

		if res := drivertest.MustRun(t, sess, tc.bad); !res.Failed || res.Output == "" {
			t.Errorf("%s: want a failed result with the device's text, got %+v", tc.bad, res)
		}

		res, err := sess.Configure(context.Background(), tc.config)
		if err != nil {
			t.Fatalf("Configure: %v", err)
		}
		if res.Failed {
			t.Errorf("Configure failed: %q", res.Output)
		}
		// Back at the default privilege level, with the change running
		// (committed on IOS-XR and Junos).
		if after := drivertest.MustRun(t, sess, tc.long); !strings.Contains(after.Output, tc.want) {
			t.Errorf("%s after Configure lacks %q:\n%s", tc.long, tc.want, after.Output)
		}
	})
}

// TestEquivalence runs the same commands and configuration with the ssh and
// the scrapli driver against identical devices: outputs must be identical.
func TestEquivalence(t *testing.T) {
	t.Parallel()
	raw, err := sshraw.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range platformCases {
		t.Run(tc.platform, func(t *testing.T) {
			t.Parallel()
			outputs := map[string][]string{}
			for name, d := range map[string]drivers.Driver{"ssh": raw, "scrapli": newDriver(t)} {
				s := drivertest.StartSim(t, sim.Device{Platform: tc.platform, PageLength: 8})
				sess := drivertest.MustOpen(t, d, target(s, tc.platform))
				var outs []string
				for _, cmd := range []string{"show version", tc.long, tc.bad} {
					outs = append(outs, drivertest.MustRun(t, sess, cmd).Output)
				}
				res, err := sess.Configure(context.Background(), tc.config)
				if err != nil {
					t.Fatalf("%s: Configure: %v", name, err)
				}
				outs = append(outs, res.Output, drivertest.MustRun(t, sess, tc.long).Output)
				outputs[name] = outs
			}
			for i := range outputs["ssh"] {
				if a, b := outputs["ssh"][i], outputs["scrapli"][i]; a != b {
					t.Errorf("output %d differs:\n    ssh: %q\nscrapli: %q", i, a, b)
				}
			}
		})
	}
}

// TestPagingPlatforms answers each platform's pager: with paging left on,
// the long show reads as with paging off.
func TestPagingPlatforms(t *testing.T) {
	eachPlatform(t, 6, func(t *testing.T, tc platformCase, s *sim.Server) {
		paged := drivertest.MustRun(t, drivertest.MustOpen(t, newDriver(t), target(s, tc.platform+pagedSuffix)), tc.long)
		unpaged := drivertest.MustRun(t, drivertest.MustOpen(t, newDriver(t), target(s, tc.platform)), tc.long)
		if paged.Output != unpaged.Output {
			t.Errorf("paged and unpaged output differ:\n  paged: %q\nunpaged: %q", paged.Output, unpaged.Output)
		}
	})
}

func TestConfigureStopsAtBadLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		platform string
		lines    []string
		notWant  string
	}{
		{"cisco_iosxe", []string{"ntp server 10.0.0.8", "frobnicate the widgets", "ip domain name example.net"}, "example.net"},
		// The candidate is discarded: nothing of it reaches the running config.
		{"cisco_iosxr", []string{"ntp server 10.0.0.8", "frobnicate the widgets"}, "10.0.0.8"},
		{"juniper_junos", []string{"set system ntp server 10.0.0.8", "frobnicate the widgets"}, "10.0.0.8"},
	} {
		t.Run(tc.platform, func(t *testing.T) {
			t.Parallel()
			s := drivertest.StartSim(t, sim.Device{Platform: tc.platform})
			sess := drivertest.MustOpen(t, newDriver(t), target(s, tc.platform))
			res, err := sess.Configure(context.Background(), tc.lines)
			if err != nil {
				t.Fatalf("Configure: %v", err)
			}
			if !res.Failed || res.Output == "" {
				t.Errorf("want a failed result with the device's text, got %+v", res)
			}
			if rc := s.RunningConfig(); strings.Contains(rc, tc.notWant) {
				t.Errorf("running config has %q:\n%s", tc.notWant, rc)
			}
			if res := drivertest.MustRun(t, sess, "show version"); res.Failed {
				t.Errorf("not back at the default privilege level: %+v", res)
			}
		})
	}
}
