package main

import (
	"io"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// parseCase is a row of a flag-parsing table: the arguments, and the
// struct they parse to or that they are refused.
type parseCase[A any] struct {
	name    string
	args    []string
	want    A
	wantErr bool
}

func testParse[A any](t *testing.T, parse func([]string, io.Writer) (A, error), tests []parseCase[A]) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parse(tt.args, io.Discard)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseApply(t *testing.T) {
	t.Parallel()
	testParse(t, parseApply, []parseCase[applyArgs]{
		{"defaults", nil, applyArgs{Dir: "."}, false},
		{"dir first, flags after", []string{"ex", "-sim", "-auto-approve"},
			applyArgs{Dir: "ex", Sim: true, AutoApprove: true}, false},
		{"flags then dir", []string{"-parallelism=5", "-var", "a=1", "-var=b=2", "-var-file", "x.vars", "ex"},
			applyArgs{Dir: "ex", Parallelism: 5, Vars: varFlags{Vars: []string{"a=1", "b=2"}, VarFiles: []string{"x.vars"}}}, false},
		{"json", []string{"-json"}, applyArgs{Dir: ".", JSON: true}, false},
		{"two dirs", []string{"a", "b"}, applyArgs{}, true},
		{"negative parallelism", []string{"-parallelism=-1"}, applyArgs{}, true},
		{"zero parallelism", []string{"-parallelism=0"}, applyArgs{}, true},
		{"unknown flag", []string{"-frobnicate"}, applyArgs{}, true},
	})
}

func TestParsePlan(t *testing.T) {
	t.Parallel()
	testParse(t, parsePlan, []parseCase[planArgs]{
		{"defaults", nil, planArgs{Dir: ".", Refresh: true}, false},
		{"flags around dir", []string{"-mode=subprocess", "ex", "-refresh=false", "-out", "p.plan", "-detailed-exitcode"},
			planArgs{Dir: "ex", Mode: "subprocess", Out: "p.plan", DetailedExitcode: true}, false},
		{"shared with apply", []string{"-var", "a=1", "-parallelism", "3", "-json", "-sim"},
			planArgs{Dir: ".", Vars: varFlags{Vars: []string{"a=1"}}, Parallelism: 3, JSON: true, Sim: true, Refresh: true}, false},
		{"refresh-only", []string{"-refresh-only"}, planArgs{Dir: ".", Refresh: true, RefreshOnly: true}, false},
		{"unknown mode", []string{"-mode=thread"}, planArgs{}, true},
		{"zero parallelism", []string{"-parallelism=0"}, planArgs{}, true},
		{"two dirs", []string{"a", "b"}, planArgs{}, true},
	})
}

func TestParseSimAndOutput(t *testing.T) {
	t.Parallel()
	got, err := parseSim([]string{"-count", "20", "-listen", "127.0.0.1:10022", "-latency", "200ms"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := simArgs{Count: 20, Listen: "127.0.0.1:10022", Prefix: "r", Username: "cisco", Password: "cisco",
		Enable: "cisco", Latency: 200 * time.Millisecond, Platform: "cisco_iosxe"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := parseSim([]string{"-count", "0"}, io.Discard); err == nil {
		t.Error("-count 0 accepted")
	}
	o, err := parseOutput([]string{"-json", "clock"}, io.Discard)
	if err != nil || o != (outputArgs{Name: "clock", JSON: true}) {
		t.Errorf("output args = %+v, %v", o, err)
	}
}

func TestParseExec(t *testing.T) {
	t.Parallel()
	testParse(t, parseExec, []parseCase[execArgs]{
		{"one command", []string{"show version"}, execArgs{Commands: []string{"show version"}}, false},
		{"flags around commands", []string{"-sim", "-limit", "r1,dc1-*", "show version", "-json", "show clock", "-timeout=5s"},
			execArgs{Sim: true, JSON: true, Select: selectionFlags{Limits: []string{"r1,dc1-*"}}, Timeout: 5 * time.Second, Commands: []string{"show version", "show clock"}}, false},
		{"runbook flags", []string{"-parallelism=3", "-mode=subprocess", "-var", "a=1", "-var-file", "x.vars", "sh clock"},
			execArgs{Parallelism: 3, Mode: "subprocess", Vars: varFlags{Vars: []string{"a=1"}, VarFiles: []string{"x.vars"}}, Commands: []string{"sh clock"}}, false},
		{"after --, a command may start with a dash", []string{"-sim", "--", "-weird", "-json"},
			execArgs{Sim: true, Commands: []string{"-weird", "-json"}}, false},
		{"no command", []string{"-sim"}, execArgs{}, true},
		{"blank command", []string{"  "}, execArgs{}, true},
		{"negative timeout", []string{"-timeout=-1s", "sh clock"}, execArgs{}, true},
		{"zero parallelism", []string{"-parallelism=0", "sh clock"}, execArgs{}, true},
	})
}
