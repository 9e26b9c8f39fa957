package views

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/plan"
	"github.com/netrun/netrun/engine/state"
)

// The machine-readable UI of validate, plan and apply -json, after
// Terraform's: one JSON object per line, each with a "type", a
// "@timestamp", a "@level" and a "@message" for people, and the payload
// under a key named for it. Lines are written whole, each with one Write,
// as things happen, so a reader can act on a device's result while the
// run goes on. README's "Machine-readable output" lists the types.

// UIVersion is the version of the stream's schema, in its version event:
// new types and fields raise the minor version, a changed or removed one
// the major.
const UIVersion = "1.0"

// Event types of the stream.
const (
	eventVersion        = "version"
	eventLog            = "log"
	eventDiagnostic     = "diagnostic"
	eventPlannedChange  = "planned_change"
	eventChangeSummary  = "change_summary"
	eventDeviceStart    = "device_start"
	eventStepComplete   = "step_complete"
	eventDeviceComplete = "device_complete"
	eventDeviceErrored  = "device_errored"
	eventDeviceDrift    = "device_drift"
	eventOutputs        = "outputs"
	eventValid          = "validate_result"
)

// stream writes the events on one writer. Engine events come from every
// device's goroutine: the lock keeps lines whole and in one order.
type stream struct {
	mu  sync.Mutex
	w   io.Writer
	err error // the first write error; later events are dropped
}

// newStream starts a stream on v.Stdout with its version event.
func newStream(v *View) *stream {
	s := &stream{w: v.Stdout}
	s.emit(time.Now(), "info", eventVersion, "netrun "+v.Version, map[string]any{"netrun": v.Version, "ui": UIVersion})
	return s
}

// emit writes one event; the payload's keys are added to the common ones.
func (s *stream) emit(t time.Time, level, typ, message string, payload map[string]any) {
	ev := map[string]any{
		"@timestamp": t.Format("2006-01-02T15:04:05.000000Z07:00"),
		"@level":     level,
		"@message":   message,
		"type":       typ,
	}
	for k, v := range payload {
		ev[k] = v
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	// Device output holds < and & often; JSON does not need them escaped.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ev); err != nil {
		b.Reset()
		_ = enc.Encode(map[string]any{"@timestamp": ev["@timestamp"], "@level": "error", "type": eventLog,
			"@message": fmt.Sprintf("netrun: cannot encode a %s event: %v", typ, err)})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		_, s.err = s.w.Write(b.Bytes())
	}
}

// written is the first error writing the stream, so a command can exit 1
// when its reader went away.
func (s *stream) written() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// log is a line for people with no payload.
func (s *stream) log(message string) { s.emit(time.Now(), "info", eventLog, message, nil) }

// diagnostics writes one diagnostic event per problem, with its place in
// the runbook when it has one.
func (s *stream) diagnostics(diags hcl.Diagnostics) {
	type pos struct {
		Line   int `json:"line"`
		Column int `json:"column"`
		Byte   int `json:"byte"`
	}
	type rng struct {
		Filename string `json:"filename"`
		Start    pos    `json:"start"`
		End      pos    `json:"end"`
	}
	type diag struct {
		Severity string `json:"severity"`
		Summary  string `json:"summary"`
		Detail   string `json:"detail,omitempty"`
		Range    *rng   `json:"range,omitempty"`
	}
	for _, d := range diags {
		jd := diag{Severity: "error", Summary: d.Summary, Detail: d.Detail}
		level, msg := "error", "Error: "+d.Summary
		if d.Severity == hcl.DiagWarning {
			jd.Severity, level, msg = "warning", "warn", "Warning: "+d.Summary
		}
		if r := d.Subject; r != nil {
			jd.Range = &rng{Filename: r.Filename,
				Start: pos{r.Start.Line, r.Start.Column, r.Start.Byte},
				End:   pos{r.End.Line, r.End.Column, r.End.Byte}}
		}
		s.emit(time.Now(), level, eventDiagnostic, msg, map[string]any{"diagnostic": jd})
	}
}

// plannedChanges writes one planned_change per step of the plan, in plan
// order.
func (s *stream) plannedChanges(p *plan.Plan) {
	type change struct {
		Device    string             `json:"device"`
		Address   string             `json:"address"`
		Host      string             `json:"host"`
		Port      int                `json:"port"`
		Task      string             `json:"task"`
		Action    plan.Action        `json:"action"`
		Commands  []string           `json:"commands"`
		DependsOn []string           `json:"depends_on,omitempty"`
		Config    *plan.ConfigChange `json:"config,omitempty"`
	}
	for _, d := range p.Devices {
		for _, st := range d.Steps {
			c := change{Device: d.Name, Address: d.Address, Host: d.Host, Port: d.Port, Task: st.Task,
				Action: st.Action, Commands: st.Commands, DependsOn: st.DependsOn, Config: st.Config}
			s.emit(time.Now(), "info", eventPlannedChange, fmt.Sprintf("%s: %s: %s", d.Name, st.Task, changeLine(st)),
				map[string]any{"change": c})
		}
	}
}

// changeLine says in a few words what a step will do.
func changeLine(st plan.Step) string {
	c := st.Config
	switch {
	case st.Action != plan.Converge:
		return fmt.Sprintf("%s %s", st.Action, plural(len(st.Commands), "command"))
	case c == nil || !c.Refreshed && c.Error == "":
		return "converge, not read"
	case c.Error != "":
		return "cannot read the device: " + c.Error
	case c.Changed == 0:
		return "no changes"
	}
	return "change " + plural(changeCount(c.Diff), "line")
}

// planSummary is the change_summary of plan: what the plan holds.
func (s *stream) planSummary(p *plan.Plan) {
	changed, unchanged, unknown, failed := configCounts(p)
	changes := map[string]any{
		"operation": "plan", "devices": len(p.Devices), "steps": p.Steps(),
		"config_change": changed, "config_unchanged": unchanged, "config_unknown": unknown, "config_failed": failed,
	}
	if p.Selection != nil && !p.Selection.Empty() {
		changes["selection"] = p.Selection
	}
	s.emit(time.Now(), "info", eventChangeSummary,
		fmt.Sprintf("Plan: %s on %s.", plural(p.Steps(), "step"), plural(len(p.Devices), "device")),
		map[string]any{"changes": changes})
}

// device is how events name a device.
type deviceRef struct {
	Name string `json:"name"`
	Host string `json:"host"`
}

// event writes what the walk reports: a device starting, a step's result,
// a device's results (device_errored when it did not end ok).
func (s *stream) event(e engine.Event) {
	ref := deviceRef{e.Device, e.Host}
	switch e.Kind {
	case engine.DeviceStart:
		s.emit(e.Time, "info", eventDeviceStart, e.Device+": started", map[string]any{"device": ref})
	case engine.StepComplete:
		r := e.StepResult
		level, msg := "info", fmt.Sprintf("%s: %s: %s", e.Device, e.Step, r.Status)
		if r.Error != "" {
			level, msg = "warn", msg+": "+r.Error
		}
		// The step's outputs go out once, with its device's device_complete;
		// here its status only, as it happens.
		step := *r
		step.Results = nil
		s.emit(e.Time, level, eventStepComplete, msg, map[string]any{"device": ref, "step": &step})
	case engine.DeviceComplete:
		d := e.Result
		typ, level := eventDeviceComplete, "info"
		msg := fmt.Sprintf("%s: %s (%s)", d.Name, d.Status, d.Finished.Sub(d.Started).Round(time.Millisecond))
		if d.Status != engine.OK {
			typ, level, msg = eventDeviceErrored, "error", d.Name+": "+string(d.Status)
			if d.Error != "" {
				msg = d.Error
			}
		}
		s.emit(e.Time, level, typ, msg, map[string]any{"device": d})
	}
}

// applySummary is the change_summary of apply: how the devices ended.
func (s *stream) applySummary(rep *engine.Report) {
	n := map[engine.Status]int{}
	for _, d := range rep.Devices {
		n[d.Status]++
	}
	took := rep.Finished.Sub(rep.Started)
	level := "info"
	if n[engine.OK] < len(rep.Devices) {
		level = "error"
	}
	s.emit(rep.Finished, level, eventChangeSummary,
		fmt.Sprintf("Apply complete: %d succeeded, %d failed (%s in %s).", n[engine.OK], n[engine.Failed],
			plural(len(rep.Devices), "device"), took.Round(time.Millisecond)),
		map[string]any{"changes": map[string]any{
			"operation": "apply", "devices": len(rep.Devices), "ok": n[engine.OK], "failed": n[engine.Failed],
			"skipped": n[engine.Skipped], "cancelled": n[engine.Cancelled], "seconds": took.Seconds(),
		}})
}

// outputs writes the outputs as Terraform's outputs event: each with
// sensitive and, when it is not, its value.
func (s *stream) outputs(outputs map[string]state.OutputState) {
	type output struct {
		Sensitive bool            `json:"sensitive"`
		Value     json.RawMessage `json:"value,omitempty"`
	}
	out := map[string]output{}
	for name, o := range outputs {
		if o.Sensitive {
			out[name] = output{Sensitive: true}
			continue
		}
		out[name] = output{Value: o.Value}
	}
	s.emit(time.Now(), "info", eventOutputs, "Outputs: "+fmt.Sprint(len(out)), map[string]any{"outputs": out})
}
