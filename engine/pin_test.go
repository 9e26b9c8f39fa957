package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/netrun/netrun/engine"
)

// TestApplyRefusesChangedSteps: a plan applied to a runbook changed since
// refuses, on each device, the steps whose text changed, saying what
// changed; a refused step's dependants are skipped, the others run.
func TestApplyRefusesChangedSteps(t *testing.T) {
	t.Parallel()
	const token = `
variable "token" {
  type      = string
  default   = "T0ken-One"
  sensitive = true
}
`
	runbook := header + token + labDevice("r1", "192.0.2.1") + labDevice("r2", "192.0.2.2") + `
command "clock" {
  commands = ["show clock"]
  timeout  = "10s"
}
command "after" {
  commands   = ["show version"]
  depends_on = [command.clock]
}
command "secret" {
  commands = ["show ${var.token}"]
}
command "some" {
  devices  = [device.r1, device.r2]
  commands = ["show users"]
}
command "same" {
  commands = ["show ip interface brief"]
}
`
	f := newFixture(t, runbook, 2)
	edited := strings.NewReplacer(
		`timeout  = "10s"`, `timeout  = "20s"`,
		`"T0ken-One"`, `"T0ken-Two"`,
		`devices  = [device.r1, device.r2]`, `devices  = [device.r1]`,
	).Replace(runbook)
	rb, diags := loadRunbook(t, edited, registry(t))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	rep := engine.Apply(context.Background(), rb, f.plan, f.opts)
	for _, want := range []struct {
		device, task string
		status       engine.Status
		error        string
	}{
		{"r1", "command.clock", engine.Failed, "r1: command.clock: stale plan: its timeout changed since the plan was made (was 10s, now 20s); run netrun plan again"},
		{"r2", "command.clock", engine.Failed, "r2: command.clock: stale plan: its timeout changed"},
		{"r1", "command.after", engine.Skipped, "skipped: command.clock@r1 did not succeed"},
		{"r1", "command.secret", engine.Failed, "r1: command.secret: stale plan: a sensitive value in it changed since the plan was made"},
		{"r1", "command.some", engine.OK, ""},
		{"r2", "command.some", engine.Failed, "r2: command.some: stale plan: it no longer runs on r2"},
		{"r2", "command.same", engine.OK, ""},
	} {
		var found bool
		for _, s := range device(t, rep, want.device).Steps {
			if s.Task != want.task {
				continue
			}
			found = true
			if s.Status != want.status || !strings.HasPrefix(s.Error, want.error) {
				t.Errorf("%s on %s: %s %q, want %s %q", want.task, want.device, s.Status, s.Error, want.status, want.error)
			}
			if strings.Contains(s.Error, "T0ken") {
				t.Errorf("a secret in the refusal: %s", s.Error)
			}
		}
		if !found {
			t.Errorf("no %s on %s in the report", want.task, want.device)
		}
	}

	// A block gone from the runbook.
	gone := strings.Replace(runbook, `command "same" {`, `command "renamed" {`, 1)
	if rb, diags = loadRunbook(t, gone, registry(t)); diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	rep = engine.Apply(context.Background(), rb, f.plan, f.opts)
	if got := statuses(device(t, rep, "r1"))["command.same"]; got != engine.Failed {
		t.Errorf("command.same gone from the runbook: %s", got)
	}
	for _, s := range device(t, rep, "r1").Steps {
		if s.Task == "command.same" && s.Error != "r1: command.same: stale plan: it is no longer in the runbook; run netrun plan again" {
			t.Errorf("command.same gone from the runbook: %q", s.Error)
		}
	}
}
