package sim_test

import (
	"regexp"
	"strings"
	"testing"
)

// step is one line typed at a device and the prompt expected after it.
type step struct{ line, prompt, want string }

// platformCases drive every platform through the same script: log in,
// page a long output, turn paging off as drivers do on open, change the
// configuration and see it running, and get the platform's error text.
var platformCases = []struct {
	platform string
	login    string // regular expression for the prompt after login
	enable   bool   // send enable and the secret
	prompt   string // privileged prompt
	more     string // pager prompt
	onOpen   []string
	long     string // a command whose output needs several pages
	config   []step // ends back at the privileged prompt
	newPrmpt string // privileged prompt after the hostname change
	running  string // shows the running configuration
	wantRun  []string
	invalid  step
}{
	{
		platform: "cisco_iosxe", login: `\r\nr1>$`, enable: true, prompt: "r1#", more: " --More-- ",
		onOpen: []string{"terminal width 512", "terminal length 0"},
		long:   "show running-config",
		config: []step{
			{"configure terminal", "r1(config)#", "Enter configuration commands, one per line.  End with CNTL/Z.\r\n"},
			{"hostname r9", "r9(config)#", ""},
			{"interface GigabitEthernet2", "r9(config-if)#", ""},
			{"description to r2", "r9(config-if)#", ""},
			{"exit", "r9(config)#", ""},
			{"ntp server 10.0.0.5", "r9(config)#", ""},
			{"end", "r9#", ""},
		},
		newPrmpt: "r9#", running: "show running-config",
		wantRun: []string{"hostname r9\r\n", "interface GigabitEthernet2\r\n description to r2\r\n", "ntp server 10.0.0.5\r\n"},
		invalid: step{"show foo", "r9#", "        ^\r\n% Invalid input detected at '^' marker.\r\n\r\n"},
	},
	{
		platform: "cisco_nxos", login: `\r\nr1> $`, enable: true, prompt: "r1# ", more: " --More-- ",
		onOpen: []string{"terminal width 511", "terminal length 0"},
		long:   "show running-config",
		config: []step{
			{"configure terminal", "r1(config)# ", "Enter configuration commands, one per line. End with CNTL/Z.\r\n"},
			{"hostname r9", "r9(config)# ", ""},
			{"interface Ethernet1/2", "r9(config-if)# ", ""},
			{"description to r2", "r9(config-if)# ", ""},
			{"ip address 10.9.9.1/30", "r9(config-if)# ", ""},
			{"exit", "r9(config)# ", ""},
			{"ntp server 10.0.0.5", "r9(config)# ", ""},
			{"end", "r9# ", ""},
		},
		newPrmpt: "r9# ", running: "show running-config",
		wantRun: []string{"hostname r9\r\n", "interface Ethernet1/2\r\n  description to r2\r\n  no switchport\r\n  ip address 10.9.9.1/30\r\n", "ntp server 10.0.0.5\r\n"},
		invalid: step{"show foo", "r9# ", "         ^\r\n% Invalid command at '^' marker.\r\n"},
	},
	{
		platform: "cisco_iosxr", login: `\r\nRP/0/RP0/CPU0:r1#$`, prompt: "RP/0/RP0/CPU0:r1#", more: " --More-- ",
		onOpen: []string{"terminal width 512", "terminal length 0"},
		long:   "show running-config",
		config: []step{
			{"configure terminal", "RP/0/RP0/CPU0:r1(config)#", ""},
			{"hostname r9", "RP/0/RP0/CPU0:r1(config)#", ""},
			{"interface GigabitEthernet0/0/0/1", "RP/0/RP0/CPU0:r1(config-if)#", ""},
			{"description to r2", "RP/0/RP0/CPU0:r1(config-if)#", ""},
			{"exit", "RP/0/RP0/CPU0:r1(config)#", ""},
			{"ntp server 10.0.0.5", "RP/0/RP0/CPU0:r1(config)#", ""},
			// Not running before commit.
			{"do show running-config | include hostname", "RP/0/RP0/CPU0:r1(config)#", "hostname r1\r\n"},
			{"commit", "RP/0/RP0/CPU0:r9(config)#", ""},
			{"end", "RP/0/RP0/CPU0:r9#", ""},
		},
		newPrmpt: "RP/0/RP0/CPU0:r9#", running: "show running-config",
		wantRun: []string{"hostname r9\r\n", "interface GigabitEthernet0/0/0/1\r\n description to r2\r\n", "ntp\r\n server 10.0.0.5\r\n!\r\n"},
		invalid: step{"show foo", "RP/0/RP0/CPU0:r9#", "                      ^\r\n% Invalid input detected at '^' marker.\r\n\r\n"},
	},
	{
		platform: "arista_eos", login: `\r\nr1>$`, enable: true, prompt: "r1#", more: " --More-- ",
		onOpen: []string{"terminal width 32767", "terminal length 0"},
		long:   "show running-config",
		config: []step{
			{"configure terminal", "r1(config)#", ""},
			{"hostname r9", "r9(config)#", ""},
			{"interface Ethernet2", "r9(config-if-Et2)#", ""},
			{"description to r2", "r9(config-if-Et2)#", ""},
			{"exit", "r9(config)#", ""},
			{"ntp server 10.0.0.5", "r9(config)#", ""},
			{"end", "r9#", ""},
		},
		newPrmpt: "r9#", running: "show running-config",
		wantRun: []string{"hostname r9\r\n", "interface Ethernet2\r\n   description to r2\r\n", "ntp server 10.0.0.5\r\n"},
		invalid: step{"show foo", "r9#", "% Invalid input\r\n"},
	},
	{
		platform: "juniper_junos", login: `\r\n--- JUNOS [^\r\n]+\r\ncisco@r1> $`, prompt: "cisco@r1> ", more: "---(more)---",
		onOpen: []string{"set cli screen-width 511", "set cli screen-length 0", "set cli complete-on-space off"},
		long:   "show configuration",
		config: []step{
			{"configure", "\r\n[edit]\r\ncisco@r1# ", "Entering configuration mode\r\n"},
			{"set system host-name r9", "\r\n[edit]\r\ncisco@r1# ", ""},
			{`set interfaces ge-0/0/1 description "to r2"`, "\r\n[edit]\r\ncisco@r1# ", ""},
			{"set system ntp server 10.0.0.5", "\r\n[edit]\r\ncisco@r1# ", ""},
			{"run show configuration | match host-name", "\r\n[edit]\r\ncisco@r1# ", "    host-name r1;\r\n"},
			{"commit", "\r\n[edit]\r\ncisco@r9# ", "commit complete\r\n"},
			{"exit configuration-mode", "cisco@r9> ", "Exiting configuration mode\r\n\r\n"},
		},
		newPrmpt: "cisco@r9> ", running: "show configuration",
		wantRun: []string{"    host-name r9;\r\n", "    ge-0/0/1 {\r\n        description \"to r2\";\r\n", "    ntp {\r\n        server 10.0.0.5;\r\n    }\r\n"},
		invalid: step{"show foo", "cisco@r9> ", "               ^\r\nsyntax error, expecting <command>.\r\n"},
	},
}

func TestPlatformCLI(t *testing.T) {
	t.Parallel()
	for _, tc := range platformCases {
		t.Run(tc.platform, func(t *testing.T) {
			t.Parallel()
			d := labDevice()
			d.Platform = tc.platform
			d.PageLength = 8
			s := start(t, d)
			tm := openTerm(t, s)
			tm.expect(tc.login)
			if tc.enable {
				tm.send("enable\n")
				tm.expect(`Password: $`)
				tm.send("s3cret\n")
				tm.expect(regexp.QuoteMeta(tc.prompt) + `$`)
			}

			// Paged: every page ends in the pager prompt, answered with a space.
			tm.send(tc.long + "\n")
			var paged strings.Builder
			pages := 0
			for {
				got := tm.expect(`(` + regexp.QuoteMeta(tc.more) + `|` + regexp.QuoteMeta(tc.prompt) + `)$`)
				paged.WriteString(got)
				if !strings.HasSuffix(got, tc.more) {
					break
				}
				pages++
				tm.send(" ")
			}
			if pages < 2 {
				t.Errorf("%s paged %d times, want several", tc.long, pages)
			}

			for _, cmd := range tc.onOpen {
				if got := tm.cmd(cmd, tc.prompt); strings.Contains(got, "rror") || strings.Contains(got, "nvalid") {
					t.Errorf("%s: %q", cmd, got)
				}
			}
			whole := tm.cmd(tc.long, tc.prompt)
			if strings.Contains(whole, tc.more) {
				t.Errorf("pager prompt with paging off: %q", whole)
			}
			// The paged output is the whole output once the pager is wiped.
			p := paged.String()
			p = p[strings.Index(p, "\r\n")+2 : len(p)-len(tc.prompt)]
			erase := map[string]string{"---(more)---": "\r            \r"}[tc.more]
			if erase == "" {
				erase = "\b\b\b\b\b\b\b\b\b        \b\b\b\b\b\b\b\b\b"
			}
			if p = strings.ReplaceAll(p, tc.more+erase, ""); p != whole {
				t.Errorf("paged output differs from the whole:\n%q\n%q", p, whole)
			}

			for _, st := range tc.config {
				if got := tm.cmd(st.line, st.prompt); got != st.want {
					t.Errorf("%s: got %q, want %q", st.line, got, st.want)
				}
			}
			run := tm.cmd(tc.running, tc.newPrmpt)
			for _, w := range tc.wantRun {
				if !strings.Contains(run, w) {
					t.Errorf("running config lacks %q:\n%s", w, run)
				}
			}
			if cfg := strings.ReplaceAll(s.RunningConfig(), "\n", "\r\n"); !strings.Contains(run, cfg) {
				t.Errorf("RunningConfig() is not what %s shows:\n%q\n%q", tc.running, cfg, run)
			}
			if got := tm.cmd(tc.invalid.line, tc.invalid.prompt); got != tc.invalid.want {
				t.Errorf("%s: got %q, want %q", tc.invalid.line, got, tc.invalid.want)
			}
		})
	}
}
