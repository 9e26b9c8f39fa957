package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/plan"
)

// StateFile is the name of the state file in the runbook directory.
const StateFile = "netrun.state.json"

// StateVersion is the format version of the state file.
const StateVersion = 1

// State is what the last apply left: per device its status and outputs, and
// the runbook's output values. It never holds secrets: device text is masked
// and sensitive outputs are not stored. Maps serialise with sorted keys, so
// the file diffs well in git.
type State struct {
	Version int `json:"format_version"`
	// Simulated marks the results of an apply -sim: simulators answered,
	// not devices.
	Simulated bool                   `json:"simulated,omitempty"`
	Started   time.Time              `json:"started"`
	Finished  time.Time              `json:"finished"`
	Devices   map[string]DeviceState `json:"devices"`
	Outputs   map[string]OutputState `json:"outputs"`
}

// DeviceState is one device as the last apply left it.
type DeviceState struct {
	Host     string                   `json:"host"`
	Port     int                      `json:"port"`
	Status   Status                   `json:"status"`
	Error    string                   `json:"error,omitempty"`
	Started  time.Time                `json:"started"`
	Finished time.Time                `json:"finished"`
	Commands map[string]CommandResult `json:"commands,omitempty"`
	// ConfigDigest is the digest of the running configuration as netrun
	// last left it (config blocks); plan -refresh-only compares it.
	ConfigDigest string `json:"config_digest,omitempty"`
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
type OutputState struct {
	Sensitive bool            `json:"sensitive,omitempty"`
	Value     json.RawMessage `json:"value,omitempty"`
}

// NewState builds the state from an apply's report and evaluated outputs,
// on top of the previous state (nil for none): devices this run did not
// touch keep what was recorded for them, and a device keeps its config
// digest unless this run changed it.
func NewState(prev *State, rep *Report, outputs map[string]config.OutputValue) (*State, error) {
	st := &State{
		Version:   StateVersion,
		Simulated: rep.Simulated,
		Started:   rep.Started.UTC(),
		Finished:  rep.Finished.UTC(),
		Devices:   map[string]DeviceState{},
		Outputs:   map[string]OutputState{},
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
			st.Outputs[name] = OutputState{Sensitive: true}
			continue
		}
		raw, err := OutputJSON(ov)
		if err != nil {
			return nil, fmt.Errorf("output %q: %w", name, err)
		}
		st.Outputs[name] = OutputState{Value: raw}
	}
	return st, nil
}

func deviceState(d DeviceResult, digest string, simulated bool) DeviceState {
	ds := DeviceState{
		Host: d.Host, Port: d.Port, Status: d.Status, Error: d.Error,
		Started: d.Started.UTC(), Finished: d.Finished.UTC(),
		Commands: map[string]CommandResult{}, ConfigDigest: digest,
	}
	for _, s := range d.Steps {
		cr := CommandResult{Status: s.Status, Error: s.Error, Config: s.Config}
		for _, r := range s.Results {
			cr.Results = append(cr.Results, StateCommand{Command: r.Command, Output: r.Output, Failed: r.Failed})
		}
		ds.Commands[s.Task] = cr
		if s.Status == OK && s.Config != nil && s.Config.Digest != "" && !simulated {
			ds.ConfigDigest = s.Config.Digest
		}
	}
	return ds
}

// Record merges one finished device into the state, for writing state as
// devices finish: a run killed half way keeps what it recorded.
func (st *State) Record(d DeviceResult) {
	if st.Devices == nil {
		st.Devices = map[string]DeviceState{}
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

// WriteState writes the state file atomically: a temporary file in the same
// directory, synced, then renamed over the old one, so a crash leaves either
// the old state or the new, never half of one.
func WriteState(dir string, st *State) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(dir, StateFile), append(data, '\n'), 0o600)
}

// ReadState reads the state file; a missing file is fs.ErrNotExist.
func ReadState(dir string) (*State, error) {
	data, err := os.ReadFile(filepath.Join(dir, StateFile))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no state in %s: run `netrun apply` first: %w", dir, fs.ErrNotExist)
		}
		return nil, err
	}
	var st State
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("%s: %w", StateFile, err)
	}
	return &st, nil
}

// WriteFileAtomic writes data to path through a temporary file and a rename.
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// WritePlan saves a plan for apply PLANFILE, atomically.
func WritePlan(path string, p *plan.Plan) error {
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, append(data, '\n'), 0o600)
}

// ReadPlan reads a saved plan, refusing other format versions.
func ReadPlan(path string) (*plan.Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p plan.Plan
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("%s is not a netrun plan: %w", path, err)
	}
	if p.Version != plan.Version {
		return nil, fmt.Errorf("%s is a plan of format %d; this netrun reads format %d", path, p.Version, plan.Version)
	}
	return &p, nil
}
