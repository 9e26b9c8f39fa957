package engine

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/hcl/v2"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/state"
)

// NewState builds the state from an apply's report and its saved outputs
// (OutputStates), on top of the previous state (nil for none). Only the
// devices the run reached change: a device it did not reach (not in the
// plan, or interrupted before any of its steps started) keeps its last
// recorded result, marked Stale as from an earlier run. A device keeps its
// config digest unless this run changed it.
func NewState(prev *state.State, rep *Report, outputs map[string]state.OutputState) *state.State {
	st := &state.State{
		Version:   state.Version,
		Simulated: rep.Simulated,
		Started:   rep.Started.UTC(),
		Finished:  rep.Finished.UTC(),
		Devices:   map[string]state.DeviceState{},
		Outputs:   map[string]state.OutputState{},
	}
	carryOver(st, prev)
	for _, d := range rep.Devices {
		mergeDevice(st, d)
	}
	maps.Copy(st.Outputs, outputs)
	return st
}

// OutputStates turns evaluated outputs into what the state saves. An
// output JSON cannot hold (1/0 is infinity) is a diagnostic at its
// declaration in decls (the runbook's outputs) and is left out; the others
// are saved.
func OutputStates(outputs map[string]config.OutputValue, decls []*config.Output) (map[string]state.OutputState, hcl.Diagnostics) {
	saved := map[string]state.OutputState{}
	var diags hcl.Diagnostics
	for name, ov := range outputs {
		if ov.Sensitive {
			saved[name] = state.OutputState{Sensitive: true}
			continue
		}
		if ov.Command != "" && ov.Value.Type().IsMapType() {
			// The devices' results hold the value already.
			from := config.Addr{Kind: config.KindCommand, Name: ov.Command}.String()
			saved[name] = state.OutputState{From: from, Devices: slices.Sorted(maps.Keys(ov.Value.AsValueMap()))}
			continue
		}
		raw, err := OutputJSON(ov)
		if err != nil {
			d := &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Output cannot be saved",
				Detail:   fmt.Sprintf("The value of output %q cannot be written as JSON: %v.", name, err),
			}
			for _, o := range decls {
				if o.Name == name && o.Expr != nil {
					d.Subject = o.Expr.Range().Ptr()
				}
			}
			diags = append(diags, d)
			continue
		}
		saved[name] = state.OutputState{Value: raw}
	}
	return saved, diags
}

// carryOver puts prev's devices (nil for none) into st, each marked Stale
// until the run records it anew.
func carryOver(st *state.State, prev *state.State) {
	if prev == nil {
		return
	}
	for name, d := range prev.Devices {
		d.Stale = true
		st.Devices[name] = d
	}
}

func deviceState(d DeviceResult, digest string, simulated bool) state.DeviceState {
	ds := state.DeviceState{
		Host: d.Host, Port: d.Port, Status: d.Status, Error: d.Error,
		Started: d.Started.UTC(), Finished: d.Finished.UTC(),
		Commands: map[string]state.CommandResult{}, ConfigDigest: digest,
	}
	for _, s := range d.Steps {
		cr := state.CommandResult{Status: s.Status, Error: s.Error, Config: s.Config}
		for _, r := range s.Results {
			cr.Results = append(cr.Results, state.StateCommand{Command: r.Command, Output: r.Output, Failed: r.Failed})
		}
		ds.Commands[s.Task] = cr
		if s.Status == OK && s.Config != nil && s.Config.Digest != "" && !simulated {
			ds.ConfigDigest = s.Config.Digest
		}
	}
	return ds
}

// mergeDevice merges one finished device into the state, for writing state
// as devices finish (a run killed half way keeps what it recorded) and for
// NewState. A device the run did not reach keeps what st holds for it,
// marked Stale: an interrupted run must not erase earlier results.
func mergeDevice(st *state.State, d DeviceResult) {
	if st.Devices == nil {
		st.Devices = map[string]state.DeviceState{}
	}
	prev, had := st.Devices[d.Name]
	if had && !reached(d) {
		prev.Stale, prev.Unfinished = true, true
		st.Devices[d.Name] = prev
		return
	}
	st.Devices[d.Name] = deviceState(d, prev.ConfigDigest, st.Simulated)
}

// reached says whether the run got to d: some step of it started, or ended
// otherwise than cancelled before it started (interrupted while waiting for
// a dependency or a session slot, or while connecting).
func reached(d DeviceResult) bool {
	for _, s := range d.Steps {
		if s.Status != Cancelled || !s.Started.IsZero() || len(s.Results) > 0 {
			return true
		}
	}
	return false
}

// withEarlier is rep with every device the run did not reach replaced by
// its result in prev, when prev has one, and with the devices of rb the
// plan left out (a -limit) added from prev: what outputs are evaluated on,
// so that they show the same results as the state.
func withEarlier(rep *Report, prev *state.State, rb *config.Runbook) *Report {
	if prev == nil {
		return rep
	}
	out := *rep
	out.Devices = slices.Clone(rep.Devices)
	inRun := map[string]bool{}
	for i, d := range out.Devices {
		inRun[d.Name] = true
		if ds, ok := prev.Devices[d.Name]; ok && !reached(d) {
			out.Devices[i] = earlierResult(d.Name, ds)
		}
	}
	for _, d := range rb.Devices {
		if ds, ok := prev.Devices[d.Name]; ok && !inRun[d.Name] {
			out.Devices = append(out.Devices, earlierResult(d.Name, ds))
		}
	}
	return &out
}

// earlierResult is a device's recorded state as a result, steps in task
// order.
func earlierResult(name string, ds state.DeviceState) DeviceResult {
	dr := DeviceResult{Name: name, Host: ds.Host, Port: ds.Port, Status: ds.Status, Error: ds.Error, Started: ds.Started, Finished: ds.Finished}
	for _, task := range slices.Sorted(maps.Keys(ds.Commands)) {
		cr := ds.Commands[task]
		sr := StepResult{Task: task, Status: cr.Status, Error: cr.Error, Config: cr.Config}
		for _, c := range cr.Results {
			sr.Results = append(sr.Results, drivers.Result{Command: c.Command, Output: c.Output, Failed: c.Failed})
		}
		dr.Steps = append(dr.Steps, sr)
	}
	return dr
}

// OutputJSON renders an output value as JSON with sorted keys.
func OutputJSON(ov config.OutputValue) (json.RawMessage, error) {
	if ov.Value.IsNull() {
		return json.RawMessage("null"), nil
	}
	raw, err := ctyjson.Marshal(ov.Value, ov.Value.Type())
	if err != nil {
		return nil, err
	}
	// Round-trip through Go values so object keys come out sorted.
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}
