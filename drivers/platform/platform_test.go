package platform_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netrun/netrun/drivers/platform"
)

// patterns are a platform's compiled patterns, the drivers' own.
func patterns(t *testing.T, name string) *platform.Patterns {
	t.Helper()
	p, err := platform.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	pt, err := p.Patterns()
	if err != nil {
		t.Fatal(err)
	}
	return pt
}

func TestPlatformNames(t *testing.T) {
	want := []string{"arista_eos", "cisco_ios", "cisco_iosxe", "cisco_iosxr", "cisco_nxos", "juniper_junos"}
	for _, n := range want {
		if _, ok := platform.Platforms[n]; !ok {
			t.Errorf("platform %s missing", n)
		}
	}
	p, err := platform.Lookup("")
	if err != nil || p.Name != platform.Default {
		t.Errorf(`Lookup("") = %q, %v; want %s`, p.Name, err, platform.Default)
	}
	if _, err := platform.Lookup("cisco_asa"); !errors.Is(err, platform.ErrUnknown) {
		t.Errorf("unknown platform: got %v, want ErrUnknown", err)
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
			pt := patterns(t, name)
			res := map[string]*regexp.Regexp{}
			for level, re := range map[string]*regexp.Regexp{"exec": pt.Exec, "priv": pt.Priv, "config": pt.Config} {
				if re != nil {
					res[level] = re
				}
			}
			anyPrompt := pt.Prompt
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
	pt := patterns(t, "juniper_junos")
	out := "set system host-name r2\n\n[edit]\nuser@r1# "
	if !pt.Config.MatchString(out) {
		t.Errorf("config pattern misses %q", out)
	}
	if pt.Priv.MatchString(out) {
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
	// IOS, NX-OS and EOS differ only in their terminal width.
	enable := func(width string) data {
		return data{
			OnOpen: []string{"terminal width " + width, "terminal length 0"}, Enable: true, Password: true,
			Config: "configure terminal", Exit: "end", DefaultPrivilege: "privilege-exec",
			Privileges:            []string{"exec", "privilege-exec", "configuration"},
			FailedContainsInvalid: true,
		}
	}
	for _, tc := range []struct {
		name string
		want data
	}{
		{"cisco_iosxe", enable("512")},
		{"cisco_ios", enable("512")},
		{"cisco_nxos", enable("511")},
		{"arista_eos", enable("32767")},
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
			p := platform.Platforms[tc.name]
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
		re := patterns(t, tc.platform).Pager
		if !re.MatchString("interface Loopback0\n" + tc.line) {
			t.Errorf("%s: pager pattern misses %q", tc.platform, tc.line)
		}
		if re.MatchString("interface Loopback0\n") {
			t.Errorf("%s: pager pattern matches plain output", tc.platform)
		}
	}
}

// TestEveryPlatform holds every platform to what drivers and config blocks
// need of it: a prompt for each privilege level it declares, on-open
// commands, failure strings, and a dialect unless it is commands-only.
func TestEveryPlatform(t *testing.T) {
	for _, name := range platform.Names() {
		t.Run(name, func(t *testing.T) {
			p := platform.Platforms[name]
			if p.Name != name {
				t.Errorf("Name = %q", p.Name)
			}
			byLevel := map[string]string{}
			for _, l := range p.Privileges {
				if l.Pattern == "" {
					t.Errorf("privilege level %s has no pattern", l.Name)
				}
				byLevel[l.Name] = l.Pattern
			}
			want := map[string]string{"configuration": p.ConfigPattern}
			if p.DefaultPrivilege == "exec" {
				want["exec"] = p.PrivPattern // logs in privileged
			} else {
				want["exec"], want["privilege-exec"] = p.ExecPattern, p.PrivPattern
			}
			if d := cmp.Diff(want, byLevel); d != "" {
				t.Errorf("prompts by level (-want +got):\n%s", d)
			}
			if _, ok := byLevel[p.DefaultPrivilege]; !ok {
				t.Errorf("default privilege %q is not a declared level", p.DefaultPrivilege)
			}
			if len(p.OnOpen) == 0 || len(p.FailedWhenContains) == 0 {
				t.Errorf("on-open %q, failed-when-contains %q", p.OnOpen, p.FailedWhenContains)
			}
			if (p.Dialect == nil) != p.CommandsOnly {
				t.Fatalf("dialect %v, commands-only %v: want exactly one", p.Dialect != nil, p.CommandsOnly)
			}
			if p.CommandsOnly {
				return
			}
			d := p.Dialect
			if d.Name != name || d.Negate == "" || p.RunningConfigCommand == "" {
				t.Errorf("dialect %q: negate %q, running config %q", d.Name, d.Negate, p.RunningConfigCommand)
			}
			for _, re := range d.Ignore {
				if _, err := regexp.Compile(re); err != nil {
					t.Errorf("ignore %q: %v", re, err)
				}
			}
			// An abbreviation names one interface type, or a desired
			// name could match an interface it does not mean.
			types := map[string]string{}
			for _, n := range d.InterfaceNames {
				for _, a := range append([]string{n.Name}, n.Abbrevs...) {
					if other, ok := types[strings.ToLower(a)]; ok {
						t.Errorf("interface name %q names both %s and %s", a, other, n.Name)
					}
					types[strings.ToLower(a)] = n.Name
				}
			}
		})
	}
}

// TestPatternsShared: both drivers take a platform's compiled patterns
// from Patterns, which compiles each set of sources once and hands every
// caller the same expressions.
func TestPatternsShared(t *testing.T) {
	p := platform.Platforms["cisco_iosxe"]
	a, err := p.Patterns()
	if err != nil {
		t.Fatal(err)
	}
	if b := patterns(t, "cisco_iosxe"); b != a {
		t.Error("Patterns compiled the same platform twice")
	}
	for src, re := range map[string]*regexp.Regexp{
		p.PromptPattern: a.Prompt, p.ExecPattern: a.Exec, p.PrivPattern: a.Priv,
		p.ConfigPattern: a.Config, p.PasswordPattern: a.Password, p.PagerPattern: a.Pager,
	} {
		if re == nil || re.String() != src {
			t.Errorf("pattern %q compiled as %v", src, re)
		}
	}

	// A variant that changes no pattern shares them; one with its own
	// prompt gets its own.
	v := p
	v.Name, v.OnOpen = "variant", nil
	if b, _ := v.Patterns(); b != a {
		t.Error("a variant with the same patterns compiled them again")
	}
	v.PromptPattern = `^r1#$`
	b, err := v.Patterns()
	if err != nil || b == a || b.Prompt.String() != v.PromptPattern {
		t.Errorf("prompt override: %v, %v", b, err)
	}
	v.PromptPattern = `(`
	if _, err := v.Patterns(); err == nil || !strings.Contains(err.Error(), "invalid prompt pattern") {
		t.Errorf("bad prompt: %v", err)
	}
	v.PromptPattern = ""
	if _, err := v.Patterns(); err == nil {
		t.Error("no prompt pattern: no error")
	}

	v = p
	v.DefaultExpect = []platform.Expect{{Prompt: `\[confirm\]`, Answer: "y"}}
	b, err = v.Patterns()
	if err != nil || len(b.Expect) != 1 {
		t.Fatalf("default expect: %v, %v", b, err)
	}
	if re, _ := platform.CompileExpect(`\[confirm\]`); re != b.Expect[0] {
		t.Error("default expect compiled apart from CompileExpect")
	}
}

// TestCompileExpect: a question is what the output ends with, trailing
// spaces and tabs allowed, a newline not.
func TestCompileExpect(t *testing.T) {
	re, err := platform.CompileExpect(`Destination filename \[[^\]]*\]\?`)
	if err != nil {
		t.Fatal(err)
	}
	for out, want := range map[string]bool{
		"copy run start\nDestination filename [startup-config]?":         true,
		"copy run start\nDestination filename [startup-config]? ":        true,
		"copy run start\nDestination filename [startup-config]?\t":       true,
		"copy run start\nDestination filename [startup-config]?\n":       false,
		"Destination filename [startup-config]?\nBuilding configuration": false,
	} {
		if got := re.MatchString(out); got != want {
			t.Errorf("%q: match = %v, want %v", out, got, want)
		}
	}
	if _, err := platform.CompileExpect(`(`); err == nil || !strings.Contains(err.Error(), "invalid expect pattern") {
		t.Errorf("bad question: %v", err)
	}
}
