package engine

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/state"
)

// NewState builds the state from an apply's report and evaluated outputs,
// on top of the previous state (nil for none): devices this run did not
// touch keep what was recorded for them, and a device keeps its config
// digest unless this run changed it.
func NewState(prev *state.State, rep *Report, outputs map[string]config.OutputValue) (*state.State, error) {
	st := &state.State{
		Version:   state.Version,
		Simulated: rep.Simulated,
		Started:   rep.Started.UTC(),
		Finished:  rep.Finished.UTC(),
		Devices:   map[string]state.DeviceState{},
		Outputs:   map[string]state.OutputState{},
	}
	if prev != nil {
		for name, d := range prev.Devices {
			st.Devices[name] = d
		}
	}
	for _, d := range rep.Devices {
		st.Devices[d.Name] = deviceState(d, st.Devices[d.Name].ConfigDigest, rep.Simulated)
	}
	for name, ov := range outputs {
		if ov.Sensitive {
			st.Outputs[name] = state.OutputState{Sensitive: true}
			continue
		}
		if ov.Command != "" && ov.Value.Type().IsMapType() {
			// The devices' results hold the value already.
			st.Outputs[name] = state.OutputState{From: "command." + ov.Command, Devices: slices.Sorted(maps.Keys(ov.Value.AsValueMap()))}
			continue
		}
		raw, err := OutputJSON(ov)
		if err != nil {
			return nil, fmt.Errorf("output %q: %w", name, err)
		}
		st.Outputs[name] = state.OutputState{Value: raw}
	}
	return st, nil
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

// mergeDevice merges one finished device into the state, for writing state as
// devices finish: a run killed half way keeps what it recorded.
func mergeDevice(st *state.State, d DeviceResult) {
	if st.Devices == nil {
		st.Devices = map[string]state.DeviceState{}
	}
	st.Devices[d.Name] = deviceState(d, st.Devices[d.Name].ConfigDigest, st.Simulated)
}

// OutputJSON renders an output value as indented JSON with sorted keys.
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
