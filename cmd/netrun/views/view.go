// Package views renders what netrun's commands report: for each command
// that takes -json an interface (Validate, Plan, Apply, Output) with a human
// form (text for a terminal) and a JSON form for machines, made by NewPlan
// and the like from the flag; a command picks its form once and then only
// calls the view. Commands without -json (Version, Sim, ForceUnlock) have
// their human form only, a plain type. Views do not decide what runs nor
// exit statuses (the commands in cmd/netrun do), with one exception kept
// from before views existed: Plan.Drift (see there). Errors are not views'
// either: the commands write those to stderr in both forms. Live is how a
// human-form apply shows devices as they finish, on stderr; colour goes
// only to a stream that is a terminal (View).
package views

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/hashicorp/hcl/v2"
)

// ViewType is the form a command's view takes.
type ViewType int

const (
	Human ViewType = iota
	JSON
)

// TypeOf is the view type the -json flag asks for.
func TypeOf(jsonFlag bool) ViewType {
	if jsonFlag {
		return JSON
	}
	return Human
}

// View is the streams every view writes to: results on Stdout, progress,
// diagnostics and errors on Stderr. Its Diagnostics is the human form.
type View struct {
	Stdout, Stderr io.Writer
	// StdoutTerminal and StderrTerminal are the terminals the streams
	// write to, nil for a file, a pipe or a CI log: colour and the live
	// view need one (its size is read from it).
	StdoutTerminal, StderrTerminal *os.File
	// NoColor turns colour off on a terminal too (-no-color, NO_COLOR).
	NoColor bool
}

// colors of Stdout and of Stderr: only on a terminal, unless NoColor.
func (v *View) stdoutColors() colors { return colors(v.StdoutTerminal != nil && !v.NoColor) }
func (v *View) stderrColors() colors { return colors(v.StderrTerminal != nil && !v.NoColor) }

// Diagnostics writes problems with the runbook as HCL renders them: file,
// line and a snippet of the source, from the parser's files.
func (v *View) Diagnostics(files map[string]*hcl.File, diags hcl.Diagnostics) {
	w := hcl.NewDiagnosticTextWriter(v.Stderr, files, 78, bool(v.stderrColors()))
	_ = w.WriteDiagnostics(diags)
}

// jsonView is the base of the JSON forms: each writes indented JSON values
// on Stdout.
type jsonView struct {
	*View
	// onlyProblems: Diagnostics writes nothing when there are none. Plan
	// and apply set it (their value is the plan or the report); validate
	// -json says that a runbook is valid by its diagnostics.
	onlyProblems bool
}

// Diagnostics writes {"valid": ..., "diagnostics": [...]} on Stdout.
func (v jsonView) Diagnostics(_ map[string]*hcl.File, diags hcl.Diagnostics) {
	if len(diags) == 0 && v.onlyProblems {
		return
	}
	type pos struct {
		File   string `json:"file"`
		Line   int    `json:"line"`
		Column int    `json:"column"`
	}
	type diag struct {
		Severity string `json:"severity"`
		Summary  string `json:"summary"`
		Detail   string `json:"detail,omitempty"`
		Range    *pos   `json:"range,omitempty"`
	}
	out := struct {
		Valid       bool   `json:"valid"`
		Diagnostics []diag `json:"diagnostics"`
	}{Valid: !diags.HasErrors(), Diagnostics: []diag{}}
	for _, d := range diags {
		jd := diag{Severity: "error", Summary: d.Summary, Detail: d.Detail}
		if d.Severity == hcl.DiagWarning {
			jd.Severity = "warning"
		}
		if d.Subject != nil {
			jd.Range = &pos{File: d.Subject.Filename, Line: d.Subject.Start.Line, Column: d.Subject.Start.Column}
		}
		out.Diagnostics = append(out.Diagnostics, jd)
	}
	_ = v.write(out)
}

// write encodes one value, indented, on Stdout.
func (v jsonView) write(value any) error {
	enc := json.NewEncoder(v.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(value)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
