package sim_test

import (
	"strings"
	"testing"

	"github.com/netrun/netrun/sim"
)

func TestConfirmations(t *testing.T) {
	t.Parallel()
	d := labDevice()
	d.StartPrivileged = true
	_, tm := login(t, d, `r1#$`)

	tm.send("copy running-config startup-config\n")
	tm.expect(`copy running-config startup-config\r\nDestination filename \[startup-config\]\? $`)
	tm.send("\n")
	tm.expect(`^\r\nBuilding configuration\.\.\.\r\n\[OK\]\r\nr1#$`)

	tm.send("reload in 5\n")
	tm.expect(`Proceed with reload\? \[confirm\]$`)
	tm.send("\r\n")
	tm.expect(`^\r\nReload scheduled for \d\d:\d\d:\d\d UTC \w{3} \w{3} \d+ \d{4} \(in 5 minutes\) by cisco on vty\d+ \(127\.0\.0\.1\)\r\nr1#$`)
	if got := tm.cmd("reload cancel", "r1#"); got != "***\r\n*** --- SHUTDOWN ABORTED ---\r\n***\r\n" {
		t.Errorf("reload cancel: %q", got)
	}
	tm.send("reload in 10\n")
	tm.expect(`\[confirm\]$`)
	tm.send("n\n")
	tm.expect(`^n\r\nr1#$`)
	if got := tm.cmd("reload cancel", "r1#"); got != "%No reload is scheduled.\r\n" {
		t.Errorf("reload cancel after n: %q", got)
	}

	tm.send("clear counters\n")
	tm.expect(`clear counters\r\nClear "show interface" counters on all interfaces \[confirm\]$`)
	tm.send("y\n")
	tm.expect(`^y\r\nr1#$`)

	// NX-OS saves without asking.
	d.Platform = "cisco_nxos"
	nx := openTerm(t, start(t, d))
	nx.expect(`r1# $`)
	if got := nx.cmd("copy running-config startup-config", "r1# "); !strings.HasSuffix(got, "Copy complete.\r\n") {
		t.Errorf("NX-OS copy: %q", got)
	}
}

// TestCandidateConfig covers what the table leaves out: IOS-XR's questions
// on leaving with changes pending and abort; Junos's rollback and its exit
// question.
func TestCandidateConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		platform string
		p, cp    string // the exec and configuration prompts
		// session goes on from configuration mode.
		session func(t *testing.T, s *sim.Server, tm *term, p, cp string)
	}{
		{"cisco_iosxr", "RP/0/RP0/CPU0:r1#", "RP/0/RP0/CPU0:r1(config)#", func(t *testing.T, s *sim.Server, tm *term, p, cp string) {
			tm.cmd("ntp server 10.1.1.1", cp)
			tm.send("end\n")
			tm.expect(`Uncommitted changes found, commit them before exiting\(yes/no/cancel\)\? \[cancel\]:$`)
			tm.send("\n") // cancel: stay
			tm.expect(`^\r\n` + `RP/0/RP0/CPU0:r1\(config\)#$`)
			tm.send("end\n")
			tm.expect(`\[cancel\]:$`)
			tm.send("no\n")
			tm.expect(`^no\r\nRP/0/RP0/CPU0:r1#$`)
			if strings.Contains(s.RunningConfig(), "10.1.1.1") {
				t.Error("discarded change is running")
			}
			tm.cmd("configure", cp)
			tm.cmd("ntp server 10.2.2.2", cp)
			tm.cmd("abort", p)
			tm.cmd("configure", cp)
			if got := tm.cmd("commit", cp); got != "% No configuration changes to commit.\r\n" {
				t.Errorf("empty commit: %q", got)
			}
			tm.cmd("ntp server 10.3.3.3", cp)
			tm.send("exit\n")
			tm.expect(`\[cancel\]:$`)
			tm.send("yes\n")
			tm.expect(`RP/0/RP0/CPU0:r1#$`)
			cfg := s.RunningConfig()
			if strings.Contains(cfg, "10.2.2.2") || !strings.Contains(cfg, "ntp\n server 10.3.3.3\n!") {
				t.Errorf("running config:\n%s", cfg)
			}

		}},
		{"juniper_junos", "cisco@r1> ", "\r\n[edit]\r\ncisco@r1# ", func(t *testing.T, _ *sim.Server, tm *term, p, cp string) {
			tm.cmd("set system ntp server 10.1.1.1", cp)
			if got := tm.cmd("show | display set | match ntp", cp); got != "set system ntp server 10.1.1.1\r\n" {
				t.Errorf("candidate: %q", got)
			}
			if got := tm.cmd("rollback 0", cp); got != "load complete\r\n" {
				t.Errorf("rollback: %q", got)
			}
			if got := tm.cmd("set system foo", cp); got != "                     ^\r\nsyntax error.\r\n" {
				t.Errorf("bad statement: %q", got)
			}
			tm.cmd("set interfaces ge-0/0/3 disable", cp)
			tm.cmd("delete interfaces ge-0/0/2 disable", cp)
			tm.send("exit\n")
			tm.expect(`Exit with uncommitted changes\? \[yes,no\] \(yes\) $`)
			tm.send("no\n")
			tm.expect(`cisco@r1# $`)
			tm.cmd("commit", cp)
			tm.cmd("exit", p)
			set := tm.cmd("show configuration | display set | no-more", p)
			if !strings.Contains(set, "set interfaces ge-0/0/3 disable\r\n") || strings.Contains(set, "ge-0/0/2 disable") ||
				!strings.Contains(set, "set interfaces ge-0/0/0 description \"uplink to core\"\r\n") {
				t.Errorf("display set:\n%s", set)
			}
			if got := tm.cmd("frobnicate", p); got != "          ^\r\nunknown command.\r\n" {
				t.Errorf("unknown command: %q", got)
			}
			if got := tm.cmd("show interfaces terse | match lo0", p); !strings.Contains(got, "lo0.0                   up    up   inet     10.255.255.1/32") {
				t.Errorf("terse: %q", got)
			}
			if got := tm.cmd("show system uptime | count", p); got != "Count: 5 lines\r\n" {
				t.Errorf("count: %q", got)
			}

		}},
	} {
		t.Run(tc.platform, func(t *testing.T) {
			t.Parallel()
			d := labDevice()
			d.Platform = tc.platform
			s, tm := login(t, d, tc.p+`$`)
			tm.cmd("configure", tc.cp)
			tc.session(t, s, tm, tc.p, tc.cp)
		})
	}
}
