package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Tests of the -json event stream of validate, plan and apply, as a
// program reads it: one JSON object per line.

// jsonEvent is one line of the stream, with the fields every event has
// and the payloads the tests read.
type jsonEvent struct {
	Type      string
	Timestamp string `json:"@timestamp"`
	Level     string `json:"@level"`
	Message   string `json:"@message"`
	// Payloads, matched by name.
	Device, Change, Changes, Diagnostic, Outputs, Step json.RawMessage
	Valid                                              *bool

	read time.Time // when the reader got the line
}

// parseEvent parses one line of the stream and checks what every event
// carries.
func parseEvent(t *testing.T, line string) jsonEvent {
	t.Helper()
	var e jsonEvent
	if err := json.Unmarshal([]byte(line), &e); err != nil {
		t.Fatalf("a line of the stream is not JSON: %v\n%s", err, line)
	}
	if _, err := time.Parse(time.RFC3339Nano, e.Timestamp); err != nil || !strings.Contains(e.Timestamp, ".") {
		t.Errorf("@timestamp %q is not RFC 3339 with a fraction: %v", e.Timestamp, err)
	}
	if e.Type == "" || e.Level == "" || e.Message == "" {
		t.Errorf("an event lacks type, @level or @message:\n%s", line)
	}
	return e
}

// parseStream parses every line of a finished stream.
func parseStream(t *testing.T, stdout string) []jsonEvent {
	t.Helper()
	var events []jsonEvent
	for _, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		events = append(events, parseEvent(t, line))
	}
	return events
}

func ofType(events []jsonEvent, typ string) []jsonEvent {
	var out []jsonEvent
	for _, e := range events {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// TestApplyJSONStreams reads apply -json from a real netrun process while
// it runs: a fast device's device_complete arrives while a slow one (300ms
// per command) still works, and the stream ends with a change_summary
// and the outputs.
func TestApplyJSONStreams(t *testing.T) {
	t.Parallel()
	dir := runbookDir(t, labCredentials+`
device "r" {
  for_each    = { fast = "1ms", slow = "300ms" }
  host        = "192.0.2.1"
  credentials = credentials.lab
  sim { latency = each.value }
}
command "clock" {
  commands = ["show clock", "show version", "show clock"]
}
output "clock" {
  value = command.clock.output
}
`)
	cmd := netrunProcess("apply", "-sim", "-auto-approve", "-json", dir)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		t.Fatal(err)
	}
	var events []jsonEvent
	sc := bufio.NewScanner(stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		e := parseEvent(t, sc.Text())
		e.read = time.Now()
		events = append(events, e)
	}
	if code := waitExit(t, cmd, 60*time.Second); code != 0 {
		t.Fatalf("apply -json: exit %d\n%s", code, stderr.String())
	}
	if len(events) == 0 || events[0].Type != "version" {
		t.Fatalf("the stream does not start with a version event: %+v", events)
	}
	done := map[string]jsonEvent{}
	for _, e := range ofType(events, "device_complete") {
		var d struct {
			Name, Status string
			Steps        []struct {
				Task    string
				Results []struct{ Output string }
			}
		}
		if err := json.Unmarshal(e.Device, &d); err != nil || d.Status != "ok" || len(d.Steps) != 1 || len(d.Steps[0].Results) != 3 {
			t.Errorf("device_complete: %v, want an ok device with its step's 3 results: %s", err, e.Device)
		}
		done[d.Name] = e
	}
	if len(done) != 2 {
		t.Fatalf("device_complete for %v, want fast and slow:\n%+v", sortedKeys(done), events)
	}
	// Each output is on the stream once: in device_complete.
	for _, e := range ofType(events, "step_complete") {
		if strings.Contains(string(e.Step), `"results"`) {
			t.Errorf("step_complete repeats the outputs device_complete carries: %s", e.Step)
		}
	}
	for _, typ := range []string{"device_start", "step_complete", "planned_change"} {
		if n := len(ofType(events, typ)); n != 2 {
			t.Errorf("%d %s events, want 2 (one per device)", n, typ)
		}
	}
	last := events[len(events)-1]
	summary := ofType(events, "change_summary")
	if len(summary) != 1 || last.Type != "outputs" || !strings.Contains(string(last.Outputs), `"clock"`) {
		t.Fatalf("the stream does not end with a change_summary then the outputs:\n%+v", events[len(events)-2:])
	}
	var counts struct {
		Operation           string
		OK, Failed, Devices int
	}
	if err := json.Unmarshal(summary[0].Changes, &counts); err != nil || counts.Operation != "apply" || counts.OK != 2 || counts.Devices != 2 {
		t.Errorf("change_summary %s: %v", summary[0].Changes, err)
	}
	// Flushed as it happens: the reader had fast's result while slow still
	// had at least one command (300ms) to go.
	if gap := summary[0].read.Sub(done["fast"].read); gap < 300*time.Millisecond {
		t.Errorf("fast's device_complete was read %s before the end of the run, want it as it happened (>= 300ms before)", gap)
	}
}

// TestPlanJSONStream: plan -json emits one planned_change per step, then a
// change_summary.
func TestPlanJSONStream(t *testing.T) {
	t.Parallel()
	dir := copyExample(t, "show-clock")
	code, stdout, stderr := netrun(t, "", "plan", "-json", dir)
	if code != 0 {
		t.Fatalf("plan -json: exit %d\n%s", code, stderr)
	}
	events := parseStream(t, stdout)
	var got []string
	for _, e := range ofType(events, "planned_change") {
		var c struct {
			Device, Task, Action string
			Commands             []string
		}
		if err := json.Unmarshal(e.Change, &c); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %s %s %v", c.Device, c.Task, c.Action, c.Commands))
	}
	want := "r1 command.clock run [sh clock]|r2 command.clock run [sh clock]|r3 command.clock run [sh clock]"
	if strings.Join(got, "|") != want {
		t.Errorf("planned changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.ReplaceAll(want, "|", "\n"))
	}
	last := events[len(events)-1]
	var counts struct {
		Operation      string
		Devices, Steps int
	}
	if last.Type != "change_summary" || json.Unmarshal(last.Changes, &counts) != nil || counts.Operation != "plan" || counts.Devices != 3 || counts.Steps != 3 {
		t.Errorf("the stream does not end with the plan's change_summary: %s %s", last.Type, last.Changes)
	}
}

// TestValidateJSONDiagnostics: validate -json emits a diagnostic event per
// problem, with its file and line, and says the runbook is not valid.
func TestValidateJSONDiagnostics(t *testing.T) {
	t.Parallel()
	dir := runbookDir(t, labCredentials+`
command "clock" {
  commands   = ["show clock"]
  depends_on = [command.nope]
}
`)
	code, stdout, stderr := netrun(t, "", "validate", "-json", dir)
	if code != 1 {
		t.Fatalf("validate -json of an invalid runbook: exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	events := parseStream(t, stdout)
	diags := ofType(events, "diagnostic")
	if len(diags) == 0 {
		t.Fatalf("no diagnostic event:\n%s", stdout)
	}
	var d struct {
		Severity, Summary string
		Range             struct {
			Filename string
			Start    struct{ Line, Column int }
		}
	}
	if err := json.Unmarshal(diags[0].Diagnostic, &d); err != nil {
		t.Fatal(err)
	}
	if d.Severity != "error" || !strings.HasSuffix(d.Range.Filename, "main.hcl") || d.Range.Start.Line != 10 || diags[0].Level != "error" {
		t.Errorf("diagnostic %s (@level %s), want an error at main.hcl:10", diags[0].Diagnostic, diags[0].Level)
	}
	last := events[len(events)-1]
	if last.Valid == nil || *last.Valid {
		t.Errorf("the stream does not end saying the runbook is invalid:\n%s", stdout)
	}

	writeRunbook(t, dir, labCredentials)
	code, stdout, _ = netrun(t, "", "validate", "-json", dir)
	events = parseStream(t, stdout)
	if last := events[len(events)-1]; code != 0 || last.Valid == nil || !*last.Valid {
		t.Errorf("validate -json of a valid runbook: exit %d\n%s", code, stdout)
	}
}
