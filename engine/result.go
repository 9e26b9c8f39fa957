package engine

import (
	"time"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/state"
)

// Status is how a step or a device ended; the state records it.
type Status = state.Status

const (
	OK        = state.OK
	Failed    = state.Failed
	Skipped   = state.Skipped   // a step it depends on did not succeed
	Cancelled = state.Cancelled // the run was interrupted before it ran
)

// rank orders statuses for a device's summary: failed over cancelled over
// skipped over ok.
func rank(s Status) int {
	switch s {
	case Failed:
		return 3
	case Cancelled:
		return 2
	case Skipped:
		return 1
	}
	return 0
}

// StepResult is one step on one device.
type StepResult struct {
	Task     string           `json:"task"`
	Status   Status           `json:"status"`
	Error    string           `json:"error,omitempty"`
	Results  []drivers.Result `json:"results,omitempty"`
	Config   *ConfigOutcome   `json:"config,omitempty"`
	Started  time.Time        `json:"-"`
	Finished time.Time        `json:"-"`
}

// ConfigOutcome is what a converge step did to its device; the state
// records it.
type ConfigOutcome = state.ConfigOutcome

// DeviceResult is every step of one device, in plan order.
type DeviceResult struct {
	Name     string       `json:"name"`
	Host     string       `json:"host"`
	Port     int          `json:"port"`
	Status   Status       `json:"status"`
	Error    string       `json:"error,omitempty"` // the root cause: first failure
	Steps    []StepResult `json:"steps"`
	Started  time.Time    `json:"started"`
	Finished time.Time    `json:"finished"`
}

// Report is what an apply did.
type Report struct {
	Simulated     bool           `json:"simulated,omitempty"`
	Started       time.Time      `json:"started"`
	Finished      time.Time      `json:"finished"`
	Devices       []DeviceResult `json:"devices"`
	MaxConcurrent int            `json:"-"` // peak of simultaneous open sessions
}

// Counts returns how many devices ended ok, failed, and otherwise.
func (r *Report) Counts() (ok, failed, other int) {
	for _, d := range r.Devices {
		switch d.Status {
		case OK:
			ok++
		case Failed:
			failed++
		default:
			other++
		}
	}
	return
}

// Results converts the report to what output expressions read.
func (r *Report) Results() config.Results {
	res := config.Results{Outputs: map[string]map[string][]string{}, Failed: map[string][]string{}}
	for _, d := range r.Devices {
		for _, s := range d.Steps {
			name := s.Task
			if a, _ := config.ParseAddr(s.Task); a.Kind == config.KindCommand {
				name = a.Name
			}
			if s.Status != OK {
				res.Failed[name] = append(res.Failed[name], d.Name)
				continue
			}
			if res.Outputs[name] == nil {
				res.Outputs[name] = map[string][]string{}
			}
			outs := make([]string, len(s.Results))
			for i, x := range s.Results {
				outs[i] = x.Output
			}
			res.Outputs[name][d.Name] = outs
		}
	}
	return res
}
