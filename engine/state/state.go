// Package state holds what runs of a runbook leave behind and the Store that
// keeps it: the state file (per device its status, per runbook its outputs),
// the lock that keeps two applies from overlapping, and each device's backup
// and applied configuration. Local, the runbook directory, is the one Store
// today; another backend implements the same interface.
//
// The package stores values; it does not make them. The engine turns an
// apply's report into a State, masks device text before handing it over and
// decides when to lock. It imports nothing of the engine, so the engine, the
// plan package and the CLI can all use it.
package state

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Version is the format version of the state file.
const Version = 1

// Status is how a step or a device ended.
type Status string

const (
	OK        Status = "ok"
	Failed    Status = "failed"
	Skipped   Status = "skipped"   // a step it depends on did not succeed
	Cancelled Status = "cancelled" // the run was interrupted before it ran
)

// State is what the last apply left: per device its status and outputs, and
// the runbook's output values. It never holds secrets: device text is masked
// and sensitive outputs are not stored. Maps serialise with sorted keys, so
// the file diffs well in git; and the times (Started, Finished) are not in
// it but in the run log (runlog.go), so two runs whose devices answer the
// same leave the same file.
type State struct {
	Version int `json:"format_version"`
	// Simulated marks the results of an apply -sim: simulators answered,
	// not devices.
	Simulated bool                   `json:"simulated,omitempty"`
	Started   time.Time              `json:"-"`
	Finished  time.Time              `json:"-"`
	Devices   map[string]DeviceState `json:"devices"`
	Outputs   map[string]OutputState `json:"outputs"`
}

// DeviceState is one device as the last apply left it.
type DeviceState struct {
	Host     string                   `json:"host"`
	Port     int                      `json:"port"`
	Status   Status                   `json:"status"`
	Error    string                   `json:"error,omitempty"`
	Started  time.Time                `json:"-"` // in the run log
	Finished time.Time                `json:"-"`
	Commands map[string]CommandResult `json:"commands,omitempty"`
	// ConfigDigest is the digest of the running configuration as netrun
	// last left it (config blocks); plan -refresh-only compares it.
	ConfigDigest string `json:"config_digest,omitempty"`
	// Stale says the last apply did not reach the device (it was
	// interrupted first, or the device was not in its plan): the rest is
	// from an earlier run, the one that started at Started.
	Stale bool `json:"stale,omitempty"`
	// Unfinished says a run that had the device in its plan was
	// interrupted before it reached it (a -limit leaving it out is not
	// that): @failed retries it. The next run that reaches it clears it.
	Unfinished bool `json:"unfinished,omitempty"`
}

// CommandResult is one command block's step on one device.
type CommandResult struct {
	Status  Status         `json:"status"`
	Error   string         `json:"error,omitempty"`
	Results []StateCommand `json:"results,omitempty"`
	Config  *ConfigOutcome `json:"config,omitempty"`
}

// StateCommand is one command and what the device answered.
type StateCommand struct {
	Command string `json:"command"`
	Output  string `json:"output"`
	Failed  bool   `json:"failed,omitempty"`
}

// OutputState is one output value; a sensitive output keeps no value.
//
// An output that is a command block's output as it stands keeps no value
// either: From names the command ("command.show"), Devices the devices the
// value holds, and the value is their results in Devices, joined by
// newlines (Output rebuilds it). A device's output is then stored once.
type OutputState struct {
	Sensitive bool            `json:"sensitive,omitempty"`
	Value     json.RawMessage `json:"value,omitempty"`
	From      string          `json:"from,omitempty"`
	Devices   []string        `json:"devices,omitempty"`
}

// Output is the output named name with its value, rebuilt from the device
// results when it refers to them (OutputState.From).
func (st *State) Output(name string) (OutputState, bool, error) {
	o, ok := st.Outputs[name]
	if !ok || o.From == "" {
		return o, ok, nil
	}
	value := make(map[string]string, len(o.Devices))
	for _, d := range o.Devices {
		var outs []string
		for _, r := range st.Devices[d].Commands[o.From].Results {
			outs = append(outs, r.Output)
		}
		value[d] = strings.Join(outs, "\n")
	}
	raw, err := json.Marshal(value)
	return OutputState{Value: raw}, true, err
}

// ResolvedOutputs are all outputs with their values, as Output gives them.
func (st *State) ResolvedOutputs() (map[string]OutputState, error) {
	out := make(map[string]OutputState, len(st.Outputs))
	for name := range st.Outputs {
		o, _, err := st.Output(name)
		if err != nil {
			return nil, fmt.Errorf("output %q: %w", name, err)
		}
		out[name] = o
	}
	return out, nil
}

// ConfigOutcome is what a converge step did to its device.
type ConfigOutcome struct {
	Changed    int      `json:"changed"`               // lines sent
	Diff       []string `json:"diff,omitempty"`        // the change, as plan showed it
	Digest     string   `json:"digest,omitempty"`      // running config after
	RolledBack bool     `json:"rolled_back,omitempty"` // restored after a failure
	Saved      bool     `json:"saved,omitempty"`       // saved to startup
}
