// Package platform holds everything netrun knows of each device platform,
// as data, in one place: what a driver needs of the CLI (prompts per
// privilege level, on-open commands, pager, failure strings, commit) with
// its regular expressions compiled once, and the configuration dialect
// engine/configtree diffs in (how lines are negated, which settings hold one
// value, which lines open a section).
//
// Adding a platform is adding an entry here (and a simulator persona). The
// package holds no algorithm: the drivers run sessions with this data and
// engine/configtree parses and diffs with it. It imports nothing of netrun,
// so drivers and configtree alike can depend on it.
package platform

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Platform is what a driver must know of a device CLI, as data: prompts per
// privilege level, the commands that make the session scriptable, and the
// strings that mean the device rejected input; and, for config blocks, the
// configuration dialect.
//
// The built-in platforms come from scrapligo's own platform definitions (see
// builtin.go), so the "ssh" and "scrapli" drivers read one source of truth;
// what scrapligo's definitions lack (pager, commit, default answers,
// dialect) is netrun's own data.
type Platform struct {
	Name string

	// PromptPattern matches any prompt of the device (all privilege levels
	// and config modes) at the end of the buffer. It is a regular expression
	// tested against the tail of the output only.
	PromptPattern string
	// ExecPattern matches the unprivileged prompt (r1>), PrivPattern the
	// privileged one (r1#), ConfigPattern any configuration mode prompt
	// (r1(config)#, r1(config-if)#). Platforms without enable (IOS-XR,
	// Junos) log in privileged: ExecPattern is empty and PrivPattern is the
	// login prompt.
	ExecPattern   string
	PrivPattern   string
	ConfigPattern string

	// EnableCommand raises privilege; PasswordPattern is the secret prompt.
	// Both are empty on platforms without enable.
	EnableCommand   string
	PasswordPattern string

	// OnOpen runs once at privileged exec after login (paging off, width).
	OnOpen []string

	// PagerPattern matches an interim pager prompt that is answered with a
	// space when paging could not be turned off.
	PagerPattern string

	// FailedWhenContains marks a command's result as failed.
	FailedWhenContains []string

	// ConfigCommand enters configuration mode, ExitConfigCommand leaves it.
	ConfigCommand     string
	ExitConfigCommand string
	// CommitCommand makes a candidate configuration active before leaving
	// configuration mode (IOS-XR, Junos: "commit"); "" means lines apply at
	// once. AbortConfigCommand discards the candidate after a failed line
	// or commit; a driver then leaves configuration mode with
	// ExitConfigCommand if the prompt still is a configuration prompt
	// (IOS-XR's "abort" leaves by itself, Junos's "rollback 0" does not).
	CommitCommand      string
	AbortConfigCommand string
	// CommitFailedWhenContains marks a commit as failed, in addition to
	// FailedWhenContains: devices report a rejected candidate in words of
	// their own ("% Failed to commit", "error:").
	CommitFailedWhenContains []string

	// DefaultExpect answers questions any command may ask on this platform
	// (such as a copy's destination file name); commands add their own.
	DefaultExpect []Expect

	// RunningConfigCommand shows the running configuration in the form
	// config blocks are diffed against (Junos: as set lines).
	RunningConfigCommand string
	// SaveCommand saves the running configuration to startup, answering
	// SaveExpect; "" on platforms where a commit already persists it.
	SaveCommand string
	SaveExpect  []Expect

	// Privileges are the privilege levels netrun uses — exec (when the
	// platform has enable), privilege-exec and configuration — as
	// scrapligo's definitions spell them; DefaultPrivilege names the one
	// commands run at ("privilege-exec", or "exec" on IOS-XR and Junos). The
	// scrapli driver builds scrapligo's privilege graph from them.
	Privileges       []Privilege
	DefaultPrivilege string

	// Dialect is how the platform writes and changes its configuration,
	// for config blocks; nil when CommandsOnly.
	Dialect *Dialect
	// CommandsOnly marks a platform netrun runs commands on but whose
	// configuration it does not diff: it has no Dialect, on purpose.
	CommandsOnly bool
}

// Expect answers an interactive question a command may ask: when the device
// output ends with a match of Prompt (a regular expression), Answer and a
// newline are sent and the command goes on.
type Expect struct {
	Prompt string `json:"prompt"`
	Answer string `json:"answer"`
}

// Privilege is one privilege level of a platform, in scrapligo's terms.
type Privilege struct {
	Name    string // "exec", "privilege-exec", "configuration"
	Pattern string // matches this level's prompt
	// NotContains rules a prompt out of this level when it contains any of
	// these (IOS's tclsh prompt also matches the configuration pattern).
	NotContains []string
	// Previous is the level this one is entered from, with Escalate (and,
	// when EscalateAuth, a secret asked by EscalatePrompt), and left to with
	// Deescalate.
	Previous       string
	Escalate       string
	EscalateAuth   bool
	EscalatePrompt string
	Deescalate     string
}

// Platforms holds the built-in platform data by name: cisco_iosxe,
// cisco_ios (an alias of cisco_iosxe), cisco_nxos, cisco_iosxr, arista_eos
// and juniper_junos. It is built at package initialisation from scrapligo's
// embedded definitions, and their patterns compiled then. Tests add
// variants of a platform to it before opening sessions.
var Platforms = builtinPlatforms()

// Default is a device's platform when the runbook names none.
const Default = "cisco_iosxe"

// ErrUnknown is returned by Lookup for a name no platform has (drivers
// know it as drivers.ErrPlatform).
var ErrUnknown = errors.New("unknown platform")

// Lookup returns the platform data for name ("" means the default).
func Lookup(name string) (Platform, error) {
	if name == "" {
		name = Default
	}
	p, ok := Platforms[name]
	if !ok {
		return Platform{}, fmt.Errorf("%w %q (known: %v)", ErrUnknown, name, Names())
	}
	return p, nil
}

// Names returns the known platform names, sorted.
func Names() []string { return slices.Sorted(maps.Keys(Platforms)) }

// Patterns are a platform's regular expressions, compiled. Drivers match
// them against the tail of a device's output; both drivers take them from
// here, so a prompt is recognised the same way whichever driver runs it.
type Patterns struct {
	// Prompt is PromptPattern; Exec, Priv, Config, Password and Pager the
	// other patterns of the same names (nil when the source is "").
	Prompt, Exec, Priv, Config, Password, Pager *regexp.Regexp
	// Expect holds DefaultExpect's questions, anchored as CompileExpect
	// anchors them, in DefaultExpect's order.
	Expect []*regexp.Regexp
}

// compiled caches Patterns by the sources they are compiled from: a
// Platform is a value a caller may change (a target's prompt override, a
// test's variant), so the patterns are keyed by content rather than held
// in it. The built-in platforms are compiled when Platforms is built.
var compiled sync.Map // pattern sources -> *Patterns

// Patterns returns p's patterns compiled, once per process for each
// distinct set of sources; sessions share them.
func (p Platform) Patterns() (*Patterns, error) {
	var key strings.Builder
	for _, s := range []string{p.PromptPattern, p.ExecPattern, p.PrivPattern, p.ConfigPattern, p.PasswordPattern, p.PagerPattern} {
		key.WriteString(s)
		key.WriteByte(0)
	}
	for _, e := range p.DefaultExpect {
		key.WriteString(e.Prompt)
		key.WriteByte(0)
	}
	if v, ok := compiled.Load(key.String()); ok {
		return v.(*Patterns), nil
	}
	if p.PromptPattern == "" {
		return nil, fmt.Errorf("platform %q has no prompt pattern", p.Name)
	}
	pt := &Patterns{}
	for _, f := range []struct {
		name string
		src  string
		dst  **regexp.Regexp
	}{
		{"prompt", p.PromptPattern, &pt.Prompt},
		{"exec prompt", p.ExecPattern, &pt.Exec},
		{"privileged prompt", p.PrivPattern, &pt.Priv},
		{"config prompt", p.ConfigPattern, &pt.Config},
		{"password prompt", p.PasswordPattern, &pt.Password},
		{"pager", p.PagerPattern, &pt.Pager},
	} {
		if f.src == "" {
			continue
		}
		re, err := regexp.Compile(f.src)
		if err != nil {
			return nil, fmt.Errorf("invalid %s pattern %q: %v", f.name, f.src, err)
		}
		*f.dst = re
	}
	for _, e := range p.DefaultExpect {
		re, err := CompileExpect(e.Prompt)
		if err != nil {
			return nil, err
		}
		pt.Expect = append(pt.Expect, re)
	}
	v, _ := compiled.LoadOrStore(key.String(), pt)
	return v.(*Patterns), nil
}

// expects caches compiled questions by source: a command's questions are
// compiled once per process, not per command and device.
var expects sync.Map // question pattern -> *regexp.Regexp

// CompileExpect compiles the question of an Expect, anchored at the end of
// the output: a device asks and then waits, so a question is what the
// output ends with.
//
// The anchor allows trailing spaces and tabs, "[ \t]*$", not any
// whitespace, "\s*$": both pass every test, but only the first means "the
// output ends with the question" for both drivers. The ssh driver matches the last line
// alone, carriage returns removed, where the two are the same; the scrapli
// driver matches the end of the whole output (and scrapligo its last lines),
// where "\s*$" also matches a question already answered whose echoed
// newline has just arrived, and would answer it a second time.
func CompileExpect(question string) (*regexp.Regexp, error) {
	if re, ok := expects.Load(question); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(`(?:` + question + `)[ \t]*$`)
	if err != nil {
		return nil, fmt.Errorf("invalid expect pattern %q: %v", question, err)
	}
	v, _ := expects.LoadOrStore(question, re)
	return v.(*regexp.Regexp), nil
}
