package drivers

import (
	"fmt"
	"sort"
)

// Platform is what a driver must know of a device CLI, as data: prompts per
// privilege level, the commands that make the session scriptable, and the
// strings that mean the device rejected input.
//
// The built-in platforms come from scrapligo's own platform definitions (see
// platforms.go), so the "ssh" and "scrapli" drivers read one source of truth;
// what scrapligo's definitions lack (pager, commit, default answers) is
// netrun's own data.
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
// embedded definitions.
var Platforms = builtinPlatforms()

// DefaultPlatform is a device's platform when the runbook names none.
const DefaultPlatform = "cisco_iosxe"

// LookupPlatform returns the platform data for name ("" means the default).
func LookupPlatform(name string) (Platform, error) {
	if name == "" {
		name = DefaultPlatform
	}
	p, ok := Platforms[name]
	if !ok {
		return Platform{}, fmt.Errorf("%w %q (known: %v)", ErrPlatform, name, PlatformNames())
	}
	return p, nil
}

// PlatformNames returns the known platform names, sorted.
func PlatformNames() []string {
	names := make([]string, 0, len(Platforms))
	for n := range Platforms {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
