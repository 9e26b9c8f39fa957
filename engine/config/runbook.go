package config

import (
	"sort"
	"sync"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/netrun/netrun/drivers"
)

// LoadOptions are what the caller knows that the runbook is checked against.
type LoadOptions struct {
	// Drivers and Platforms are the known names; an empty list accepts any.
	Drivers   []string
	Platforms []string
	// DefaultPlatform and DefaultDriver apply to devices that set none.
	DefaultPlatform string
	DefaultDriver   string
	// Algorithms are the SSH algorithm names an ssh block may add, per
	// kind (sshconn.Supported()); an empty kind accepts any name.
	Algorithms drivers.Algorithms
	// DriverHints explain driver names that are not known, by name (a
	// plugin found but unusable, say; "*" for any other name). Added to the
	// unknown-driver diagnostic.
	DriverHints map[string]string
	// Schemas are the device settings drivers declare, by driver name
	// (plugins; the built-in drivers declare none). A device's attributes
	// beyond netrun's own are checked against its driver's schema and
	// evaluated into Device.Settings; for a driver without a schema they
	// are unsupported arguments.
	Schemas map[string]drivers.Schema
}

// Runbook is an evaluated runbook: plain values the engine plans and
// applies, plus the outputs, which can only be evaluated after apply.
type Runbook struct {
	Dir      string
	Settings Settings
	Devices  []*Device  // declaration order; for_each instances sorted by key
	Commands []*Command // declaration order
	Configs  []*Desired // config blocks, declaration order
	// JumpHosts are the bastions devices are reached through, in
	// declaration order.
	JumpHosts []*JumpHost
	Outputs   []*Output // declaration order, evaluated by EvalOutputs

	vars    map[string]cty.Value // the evaluation context, without command
	funcs   map[string]function.Function
	secrets []string
	phrases []string
	redact  []string

	indexOnce sync.Once
	byName    map[string]*Device // for Device
}

// Secrets returns every sensitive string of the runbook (values of
// sensitive variables, credential and sim passwords, enable secrets and
// private keys, whether devices or jump hosts use them, and sensitive expect
// answers), sorted and without duplicates, so the engine can mask them
// in logs and errors.
func (r *Runbook) Secrets() []string {
	return uniqueStrings(r.secrets)
}

// Variables returns the values the runbook's variables were evaluated
// with, by name, for a saved plan to carry (Inputs.Values): those of
// sensitive variables are marked, the others are not.
func (r *Runbook) Variables() map[string]cty.Value {
	out := map[string]cty.Value{}
	vars := r.vars["var"]
	if vars == cty.NilVal || !vars.Type().IsObjectType() {
		return out
	}
	for name := range vars.Type().AttributeTypes() {
		out[name] = vars.GetAttr(name)
	}
	return out
}

// SensitiveLines returns the command and configuration lines built from
// sensitive values ("username ops secret ${var.pw}"): each is masked as a
// whole wherever it appears, as its secret part may have been transformed
// (upper(var.pw)) past recognition.
func (r *Runbook) SensitiveLines() []string {
	return uniqueStrings(r.phrases)
}

// JumpHost returns the jump host with the given name, or nil.
func (r *Runbook) JumpHost(name string) *JumpHost {
	for _, j := range r.JumpHosts {
		if j.Name == name {
			return j
		}
	}
	return nil
}

// Device returns the device with the given name, or nil.
func (r *Runbook) Device(name string) *Device {
	r.indexOnce.Do(func() {
		r.byName = make(map[string]*Device, len(r.Devices))
		for _, d := range r.Devices {
			r.byName[d.Name] = d
		}
	})
	return r.byName[name]
}

func uniqueStrings(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
