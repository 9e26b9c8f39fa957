package state

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"
)

// RunLog is the file that keeps when the last apply and each device's
// steps ran: what changes every run, kept out of the state file (File) so
// that one diffs only when results do. It is in .netrun/, which git
// ignores; a device the last apply did not reach keeps the times of the run
// that did, as the state keeps its results.
const RunLog = ".netrun/runs/last.json"

type runLog struct {
	Started  time.Time             `json:"started"`
	Finished time.Time             `json:"finished"`
	Devices  map[string]deviceTime `json:"devices"`
}

type deviceTime struct {
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
}

// writeRunLog writes st's times to the run log.
func (l *Local) writeRunLog(st *State) error {
	rl := runLog{Started: st.Started, Finished: st.Finished, Devices: make(map[string]deviceTime, len(st.Devices))}
	for name, d := range st.Devices {
		rl.Devices[name] = deviceTime{Started: d.Started, Finished: d.Finished}
	}
	data, err := json.MarshalIndent(rl, "", "  ")
	if err != nil {
		return err
	}
	return l.writeFile(filepath.Join(l.dir, RunLog), append(data, '\n'))
}

// readRunLog puts the run log's times into st. The times are for people
// reading results; a run log that is missing or unreadable (removed with
// .netrun/, or written by a run killed in between) leaves them zero rather
// than make the state unreadable.
func (l *Local) readRunLog(st *State) {
	data, err := os.ReadFile(filepath.Join(l.dir, RunLog))
	if err != nil {
		return
	}
	var rl runLog
	if json.Unmarshal(data, &rl) != nil {
		return
	}
	st.Started, st.Finished = rl.Started, rl.Finished
	for name, t := range rl.Devices {
		if d, ok := st.Devices[name]; ok {
			d.Started, d.Finished = t.Started, t.Finished
			st.Devices[name] = d
		}
	}
}
