// Package plan holds a plan as a value: for every device, the ordered steps
// apply will run, with what each step depends on and a digest of what it
// will send. A plan is what `netrun plan` prints and what `netrun apply`
// executes; it serialises to JSON (a plan file, WriteFile and ReadFile).
// Steps show secrets masked; a saved plan also carries the values of the
// runbook's variables, sensitive ones in clear (see Variables). It does not
// build plans (the engine does) nor run them.
package plan

import (
	"fmt"
	"strings"
	"time"

	"github.com/netrun/netrun/drivers"
)

// Version is the format version of a serialised plan. Version 2 added
// step digests and variables, and made the runbook directory relative to
// the plan file.
const Version = 2

// Action says what a step does to its device.
type Action string

const (
	// Run sends commands at privileged exec and records their output.
	Run Action = "run"
	// Configure sends configuration lines in configuration mode.
	Configure Action = "configure"
	// Converge brings a device's running configuration to a config
	// block's desired state: only the difference is sent.
	Converge Action = "converge"
)

// ConfigChange is what a converge step will change on its device. A
// refreshed plan holds the remediation computed from the running
// configuration read at plan time, and that configuration's digest: apply
// refuses the step if the device's configuration changed since.
type ConfigChange struct {
	Match    string `json:"match"`
	Save     string `json:"save"`
	Rollback string `json:"rollback"`

	Refreshed bool `json:"refreshed"`
	// RunningDigest is the digest of the running configuration the change
	// was computed from, DesiredDigest that of the block's desired state
	// for the device: apply refuses the step if either changed since.
	RunningDigest string `json:"running_digest,omitempty"`
	DesiredDigest string `json:"desired_digest,omitempty"`
	// Diff is the change for people, secrets masked: "+ line",
	// "~ section", "- line". Changed counts the lines to send.
	Diff    []string `json:"diff,omitempty"`
	Changed int      `json:"changed"`
	// Lines are sent in configuration mode; Inverse undoes them. They are
	// not saved with a plan (they may hold secrets): apply works them out
	// again from the same running and desired configurations, which the
	// digests guarantee.
	Lines   []string `json:"-"`
	Inverse []string `json:"-"`
	// Error is why the device could not be read at plan time.
	Error string `json:"error,omitempty"`
	// Declared and Forbidden are the block's lines for this device
	// (text and absent), secrets masked: what a plan that did not read
	// the device can show.
	Declared  []string `json:"declared,omitempty"`
	Forbidden []string `json:"forbidden,omitempty"`
}

// Changes reports whether the step will change its device: unknown (not
// refreshed) counts as a change.
func (c *ConfigChange) Changes() bool {
	return c != nil && (!c.Refreshed || c.Changed > 0)
}

// Plan is the ordered work for every targeted device.
type Plan struct {
	Version int `json:"format_version"`
	// Dir is the runbook directory the plan was made from; Created when.
	// Both are set by plan -out for apply PLANFILE. In a plan file, Dir is
	// relative to the file's own directory (see WriteFile).
	Dir     string    `json:"runbook_dir,omitempty"`
	Created time.Time `json:"created,omitzero"`
	// Simulated marks a plan made with -sim: apply PLANFILE runs it
	// against the simulators again, never against the real devices.
	Simulated bool `json:"simulated,omitempty"`
	// Variables are the values the runbook's variables had when the plan
	// was made (SetVariables): apply PLANFILE evaluates the runbook with
	// them, so it needs no -var and sends what was planned. HoldsSecrets
	// names the sensitive ones. Only a plan file holds them (WriteFile),
	// never the plan as plan -json shows it.
	Variables    map[string]Variable `json:"-"`
	HoldsSecrets []string            `json:"-"`
	Parallelism  int                 `json:"parallelism"`
	// Selection is the -target and -limit the plan was made with; nil
	// when it covers the whole runbook. The plan holds only the selected
	// steps (and those they depend on): apply PLANFILE runs those.
	Selection *Selection `json:"selection,omitempty"`
	Devices   []Device   `json:"devices"`
}

// Selection is what the command line narrowed a plan to: Targets are
// addresses (device.r1, device.r["r1"], command.clock, config.ntp), Limit a
// device pattern ("dc1-*,&tag:core,!r7", "@failed").
type Selection struct {
	Targets []string `json:"targets,omitempty"`
	Limit   string   `json:"limit,omitempty"`
}

// Empty reports whether the selection selects everything.
func (s *Selection) Empty() bool { return s == nil || len(s.Targets) == 0 && s.Limit == "" }

// String is the selection as typed: -target=A -limit=P.
func (s *Selection) String() string {
	if s.Empty() {
		return ""
	}
	var parts []string
	for _, t := range s.Targets {
		parts = append(parts, "-target="+t)
	}
	if s.Limit != "" {
		parts = append(parts, "-limit="+s.Limit)
	}
	return strings.Join(parts, " ")
}

// Device is one device and its steps in the order they will run.
type Device struct {
	Name     string `json:"name"`
	Address  string `json:"address"`
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Platform string `json:"platform"`
	Driver   string `json:"driver"`
	// Mode is where the device's session runs: "goroutine" (in netrun's
	// process) or "subprocess" (a worker or plugin process).
	Mode  string `json:"mode"`
	Steps []Step `json:"steps"`
}

// Step is one task on one device.
type Step struct {
	Task     string   `json:"task"` // "command.clock"
	Action   Action   `json:"action"`
	Commands []string `json:"commands"`
	// Expect are the answers given to questions the commands may ask.
	Expect  []drivers.Expect `json:"expect,omitempty"`
	Timeout time.Duration    `json:"timeout,omitempty"`
	// Config is set on converge steps.
	Config *ConfigChange `json:"config,omitempty"`
	// DependsOn lists the step IDs that must succeed first.
	DependsOn []string `json:"depends_on,omitempty"`
	// Digest identifies what the step sends, secrets included: commands,
	// configuration lines or desired configuration, expect answers and
	// timeout. Apply refuses the step when the runbook's is another.
	Digest string `json:"digest,omitempty"`
}

// ID names a step uniquely within a plan: "command.clock@r1".
func ID(task, device string) string { return fmt.Sprintf("%s@%s", task, device) }

// Steps counts all steps of the plan.
func (p *Plan) Steps() int {
	n := 0
	for _, d := range p.Devices {
		n += len(d.Steps)
	}
	return n
}

// Converges reports whether the device has config-block steps.
func (d Device) Converges() bool {
	for _, s := range d.Steps {
		if s.Action == Converge {
			return true
		}
	}
	return false
}

// Converges reports whether any device has config-block steps.
func (p *Plan) Converges() bool {
	for _, d := range p.Devices {
		if d.Converges() {
			return true
		}
	}
	return false
}

// Changes reports whether applying the plan changes a device's
// configuration: configuration lines to send, or config blocks with
// differences (or not read). Show commands are not changes.
func (p *Plan) Changes() bool {
	for _, d := range p.Devices {
		for _, s := range d.Steps {
			if s.Action == Configure || s.Config.Changes() {
				return true
			}
		}
	}
	return false
}
