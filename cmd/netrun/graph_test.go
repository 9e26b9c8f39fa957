package main

import (
	"strings"
	"testing"
)

const graphRunbook = labLogin + `
device "r1" {
  host        = "10.0.0.1"
  credentials = credentials.lab
}

device "r2" {
  host        = "10.0.0.2"
  credentials = credentials.lab
}

command "version" {
  commands = ["show version"]
}

command "inventory" {
  commands   = ["show inventory"]
  devices    = [device.r1]
  depends_on = [command.version]
}

command "clock" {
  commands   = ["show clock"]
  depends_on = [command.inventory]
}
`

// TestGraph checks both graphs of a small runbook: nodes, edges, the DOT
// frame, and the same bytes on every run.
func TestGraph(t *testing.T) {
	t.Parallel()
	dir := runbookDir(t, graphRunbook)
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"graph"}, []string{
			`"command.version@r1";`, `"command.version@r2";`, `"command.inventory@r1";`,
			`"command.clock@r1";`, `"command.clock@r2";`,
			`"command.version@r1" -> "command.inventory@r1";`,
			`"command.inventory@r1" -> "command.clock@r1";`,
			// clock on r2 waits for inventory, which runs on r1 only.
			`"command.inventory@r1" -> "command.clock@r2";`,
		}},
		// -limit keeps r2's steps and, on r1, what they wait for.
		{[]string{"graph", "-limit=r2"}, []string{
			`"command.version@r1";`, `"command.version@r2";`, `"command.inventory@r1";`, `"command.clock@r2";`,
			`"command.version@r1" -> "command.inventory@r1";`,
			`"command.inventory@r1" -> "command.clock@r2";`,
		}},
		{[]string{"graph", "-type=runbook"}, []string{
			`"command.version";`, `"command.inventory";`, `"command.clock";`,
			`"command.version" -> "command.inventory";`,
			`"command.inventory" -> "command.clock";`,
		}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := netrun(t, "", append(tt.args, dir)...)
			if code != 0 || !strings.HasPrefix(stdout, "digraph ") || !strings.HasSuffix(stdout, "}\n") {
				t.Fatalf("exit %d, want a digraph\n%s%s", code, stdout, stderr)
			}
			for _, want := range tt.want {
				if !strings.Contains(stdout, want) {
					t.Errorf("graph lacks %s:\n%s", want, stdout)
				}
			}
			if got, want := strings.Count(stdout, ";"), len(tt.want)+strings.Count(stdout, "node ["); got > want {
				t.Errorf("%d statements, want only those listed:\n%s", got, stdout)
			}
			if got := strings.Count(stdout, "->"); got != strings.Count(strings.Join(tt.want, "\n"), "->") {
				t.Errorf("%d edges, want only those listed:\n%s", got, stdout)
			}
			if _, again, _ := netrun(t, "", append(tt.args, dir)...); again != stdout {
				t.Errorf("a second run printed another graph:\n%s", again)
			}
		})
	}
	if code, _, stderr := netrun(t, "", "graph", "-type=apply", dir); code != 1 || !strings.Contains(stderr, "plan or runbook") {
		t.Errorf("-type=apply: exit %d\n%s", code, stderr)
	}
	bad := runbookDir(t, "command \"x\" {\n")
	if code, _, stderr := netrun(t, "", "graph", bad); code != 1 || !strings.Contains(stderr, "main.hcl line") {
		t.Errorf("a broken runbook: exit %d\n%s", code, stderr)
	}
}

func TestParseGraph(t *testing.T) {
	t.Parallel()
	testParse(t, parseGraph, []parseCase[graphArgs]{
		{"defaults", nil, graphArgs{Dir: ".", Type: "plan"}, false},
		{"runbook", []string{"ex", "-type=runbook", "-var", "a=1"},
			graphArgs{Dir: "ex", Type: "runbook", Vars: varFlags{Vars: []string{"a=1"}}}, false},
		{"unknown type", []string{"-type=apply"}, graphArgs{}, true},
		{"two dirs", []string{"a", "b"}, graphArgs{}, true},
	})
}
