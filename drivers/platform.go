package drivers

import (
	"fmt"
	"sort"
)

// Platform is what a driver must know of a device CLI, as data: prompts per
// privilege level, the commands that make the session scriptable, and the
// strings that mean the device rejected input.
type Platform struct {
	Name string

	// PromptPattern matches any prompt of the device (all privilege levels
	// and config modes) at the end of the buffer. It is a regular expression
	// tested against the tail of the output only.
	PromptPattern string
	// ExecPattern matches the unprivileged prompt (r1>), PrivPattern the
	// privileged one (r1#), ConfigPattern any configuration mode prompt
	// (r1(config)#, r1(config-if)#).
	ExecPattern   string
	PrivPattern   string
	ConfigPattern string

	// EnableCommand raises privilege; PasswordPattern is the secret prompt.
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
	// once. AbortConfigCommand discards the candidate after a failed line.
	CommitCommand      string
	AbortConfigCommand string

	// DefaultExpect answers questions any command may ask on this platform
	// (such as a copy's destination file name); commands add their own.
	DefaultExpect []Expect
}

var iosLike = Platform{
	PromptPattern:   `(?m)^[\w.\-@/:]{1,63}(\([\w.\-@/:+]{0,32}\))?[>#]\s?$`,
	ExecPattern:     `(?m)^[\w.\-@/:]{1,63}>\s?$`,
	PrivPattern:     `(?m)^[\w.\-@/:]{1,63}#\s?$`,
	ConfigPattern:   `(?m)^[\w.\-@/:]{1,63}\(conf[\w.\-@/:+]{0,32}\)#\s?$`,
	EnableCommand:   "enable",
	PasswordPattern: `(?im)^(enable )?password:\s?$`,
	OnOpen:          []string{"terminal length 0", "terminal width 511"},
	PagerPattern:    `(?i)\s*-+ ?more ?-+\s*$`,
	FailedWhenContains: []string{
		"% Invalid input detected",
		"% Incomplete command",
		"% Ambiguous command",
		"% Unknown command",
		"% Bad IP address",
	},
	ConfigCommand:     "configure terminal",
	ExitConfigCommand: "end",
}

func named(p Platform, name string) Platform {
	p.Name = name
	return p
}

// Platforms holds the built-in platform data by name.
var Platforms = map[string]Platform{
	"cisco_iosxe": named(iosLike, "cisco_iosxe"),
	"cisco_ios":   named(iosLike, "cisco_ios"),
}

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
