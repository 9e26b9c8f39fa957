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
	Version  int                    `json:"format_version"`
	Started  time.Time              `json:"started"`
	Finished time.Time              `json:"finished"`
	Devices  map[string]DeviceState `json:"devices"`
	Outputs  map[string]OutputState `json:"outputs"`
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
}

// CommandResult is one command block's step on one device.
type CommandResult struct {
	Status  Status         `json:"status"`
	Error   string         `json:"error,omitempty"`
	Results []StateCommand `json:"results,omitempty"`
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

// NewState builds the state from an apply's report and evaluated outputs.
func NewState(rep *Report, outputs map[string]config.OutputValue) (*State, error) {
	st := &State{
		Version:  StateVersion,
		Started:  rep.Started.UTC(),
		Finished: rep.Finished.UTC(),
		Devices:  map[string]DeviceState{},
		Outputs:  map[string]OutputState{},
	}
	for _, d := range rep.Devices {
		ds := DeviceState{
			Host: d.Host, Port: d.Port, Status: d.Status, Error: d.Error,
			Started: d.Started.UTC(), Finished: d.Finished.UTC(),
			Commands: map[string]CommandResult{},
		}
		for _, s := range d.Steps {
			cr := CommandResult{Status: s.Status, Error: s.Error}
			for _, r := range s.Results {
				cr.Results = append(cr.Results, StateCommand{Command: r.Command, Output: r.Output, Failed: r.Failed})
			}
			ds.Commands[s.Task] = cr
		}
		st.Devices[d.Name] = ds
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
