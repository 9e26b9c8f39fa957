package drivers_test

import (
	"errors"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netrun/netrun/drivers"
)

func TestPlatformNames(t *testing.T) {
	want := []string{"arista_eos", "cisco_ios", "cisco_iosxe", "cisco_iosxr", "cisco_nxos", "juniper_junos"}
	for _, n := range want {
		if _, ok := drivers.Platforms[n]; !ok {
			t.Errorf("platform %s missing", n)
		}
	}
	p, err := drivers.LookupPlatform("")
	if err != nil || p.Name != drivers.DefaultPlatform {
		t.Errorf(`LookupPlatform("") = %q, %v; want %s`, p.Name, err, drivers.DefaultPlatform)
	}
	if _, err := drivers.LookupPlatform("cisco_asa"); !errors.Is(err, drivers.ErrPlatform) {
		t.Errorf("unknown platform: got %v, want ErrPlatform", err)
	}
}

// prompts are sample prompts of each platform, by the pattern they must
// match; every other pattern of the platform must not match them.
var prompts = map[string]map[string][]string{
	"cisco_iosxe": {
		"exec":   {"r1>", "edge-1.lab>", "r1> "},
		"priv":   {"r1#", "edge-1.lab#", "r1# "},
		"config": {"r1(config)#", "r1(config-if)#", "r1(config-router)#"},
	},
	"cisco_nxos": {
		"exec":   {"n1>"},
		"priv":   {"n1#", "n1# "},
		"config": {"n1(config)#", "n1(config-if)# "},
	},
	"arista_eos": {
		"exec":   {"eos1>"},
		"priv":   {"eos1#"},
		"config": {"eos1(config)#", "eos1(config-if-Et1)#"},
	},
	"cisco_iosxr": {
		"priv":   {"RP/0/RP0/CPU0:r1#", "RP/0/RSP0/CPU0:xr-2#"},
		"config": {"RP/0/RP0/CPU0:r1(config)#", "RP/0/RP0/CPU0:r1(config-if)#"},
	},
	"juniper_junos": {
		"priv":   {"user@r1>", "user@r1> "},
		"config": {"user@r1#", "user@r1# "},
	},
}

func TestPlatformPatterns(t *testing.T) {
	for name, byLevel := range prompts {
		t.Run(name, func(t *testing.T) {
			p := drivers.Platforms[name]
			pats := map[string]string{"exec": p.ExecPattern, "priv": p.PrivPattern, "config": p.ConfigPattern}
			res := map[string]*regexp.Regexp{}
			for level, src := range pats {
				if src == "" {
					continue
				}
				res[level] = regexp.MustCompile(src)
			}
			anyPrompt := regexp.MustCompile(p.PromptPattern)
			for _, src := range []string{p.PasswordPattern, p.PagerPattern} {
				if src != "" {
					regexp.MustCompile(src)
				}
			}
			for _, e := range p.DefaultExpect {
				regexp.MustCompile(e.Prompt)
			}
			for level, samples := range byLevel {
				for _, s := range samples {
					// Drivers match the last line of the output.
					tail := "some output\n" + s
					if !anyPrompt.MatchString(tail) {
						t.Errorf("prompt pattern misses %q", s)
					}
					for l, re := range res {
						if name == "arista_eos" && l == "priv" && level == "config" {
							// scrapligo's EOS privilege-exec pattern allows
							// parentheses, so it also matches configuration
							// prompts; drivers test the config pattern first.
							continue
						}
						if got := re.MatchString(tail); got != (l == level) {
							t.Errorf("%s pattern on %q: match = %v", l, s, got)
						}
					}
				}
			}
			for _, s := range []string{"Building configuration...", "interface GigabitEthernet1", " --More-- ", "---(more)---"} {
				if anyPrompt.MatchString(s) {
					t.Errorf("prompt pattern matches output line %q", s)
				}
			}
		})
	}
}

func TestJunosConfigPromptAfterEdit(t *testing.T) {
	p := drivers.Platforms["juniper_junos"]
	out := "set system host-name r2\n\n[edit]\nuser@r1# "
	if !regexp.MustCompile(p.ConfigPattern).MatchString(out) {
		t.Errorf("config pattern misses %q", out)
	}
	if regexp.MustCompile(p.PrivPattern).MatchString(out) {
		t.Errorf("exec pattern matches %q", out)
	}
}

func TestPlatformData(t *testing.T) {
	type data struct {
		OnOpen                  []string
		Enable, Password        bool
		Config, Exit            string
		Commit, Abort           string
		DefaultPrivilege        string
		Privileges              []string
		FailedContainsInvalid   bool
		ExpectsCopyDestinations bool
	}
	for _, tc := range []struct {
		name string
		want data
	}{
		{"cisco_iosxe", data{
			OnOpen: []string{"terminal width 512", "terminal length 0"}, Enable: true, Password: true,
			Config: "configure terminal", Exit: "end", DefaultPrivilege: "privilege-exec",
			Privileges:            []string{"exec", "privilege-exec", "configuration"},
			FailedContainsInvalid: true,
		}},
		{"cisco_ios", data{
			OnOpen: []string{"terminal width 512", "terminal length 0"}, Enable: true, Password: true,
			Config: "configure terminal", Exit: "end", DefaultPrivilege: "privilege-exec",
			Privileges:            []string{"exec", "privilege-exec", "configuration"},
			FailedContainsInvalid: true,
		}},
		{"cisco_nxos", data{
			OnOpen: []string{"terminal width 511", "terminal length 0"}, Enable: true, Password: true,
			Config: "configure terminal", Exit: "end", DefaultPrivilege: "privilege-exec",
			Privileges:            []string{"exec", "privilege-exec", "configuration"},
			FailedContainsInvalid: true,
		}},
		{"arista_eos", data{
			OnOpen: []string{"terminal width 32767", "terminal length 0"}, Enable: true, Password: true,
			Config: "configure terminal", Exit: "end", DefaultPrivilege: "privilege-exec",
			Privileges:            []string{"exec", "privilege-exec", "configuration"},
			FailedContainsInvalid: true,
		}},
		{"cisco_iosxr", data{
			OnOpen: []string{"terminal width 512", "terminal length 0"},
			Config: "configure terminal", Exit: "end", Commit: "commit", Abort: "abort",
			DefaultPrivilege: "exec", Privileges: []string{"exec", "configuration"},
			FailedContainsInvalid: true,
		}},
		{"juniper_junos", data{
			OnOpen: []string{"set cli screen-width 511", "set cli screen-length 0", "set cli complete-on-space off"},
			Config: "configure", Exit: "exit configuration-mode", Commit: "commit", Abort: "rollback 0",
			DefaultPrivilege: "exec", Privileges: []string{"exec", "configuration"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := drivers.Platforms[tc.name]
			got := data{
				OnOpen: p.OnOpen, Enable: p.EnableCommand == "enable", Password: p.PasswordPattern != "",
				Config: p.ConfigCommand, Exit: p.ExitConfigCommand, Commit: p.CommitCommand, Abort: p.AbortConfigCommand,
				DefaultPrivilege: p.DefaultPrivilege,
			}
			for _, l := range p.Privileges {
				got.Privileges = append(got.Privileges, l.Name)
			}
			for _, f := range p.FailedWhenContains {
				if f == "% Invalid input detected" || f == "% Invalid input" {
					got.FailedContainsInvalid = true
				}
			}
			for _, e := range p.DefaultExpect {
				if regexp.MustCompile(e.Prompt).MatchString("Destination filename [startup-config]? ") && e.Answer == "" {
					got.ExpectsCopyDestinations = true
				}
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("platform data (-want +got):\n%s", d)
			}
			if p.PagerPattern == "" || len(p.FailedWhenContains) == 0 {
				t.Errorf("pager %q, failed-when-contains %q", p.PagerPattern, p.FailedWhenContains)
			}
		})
	}
}

func TestPagerPatterns(t *testing.T) {
	for _, tc := range []struct {
		platform, line string
	}{
		{"cisco_iosxe", " --More-- "},
		{"cisco_nxos", " --More-- "},
		{"arista_eos", " --More-- "},
		{"cisco_iosxr", " --More-- "},
		{"juniper_junos", "---(more)---"},
		{"juniper_junos", "---(more 42%)---"},
	} {
		re := regexp.MustCompile(drivers.Platforms[tc.platform].PagerPattern)
		if !re.MatchString("interface Loopback0\n" + tc.line) {
			t.Errorf("%s: pager pattern misses %q", tc.platform, tc.line)
		}
		if re.MatchString("interface Loopback0\n") {
			t.Errorf("%s: pager pattern matches plain output", tc.platform)
		}
	}
}
