// Package views renders what netrun's commands report: for each command
// that takes -json an interface (Validate, Plan, Apply, Exec, Output) with
// a human form (text for a terminal) and a JSON form for machines, made by
// NewPlan and the like from the flag; a command picks its form once and
// then only calls the view. The JSON forms of validate, plan, apply and
// exec write an event stream, one object per line as things happen
// (json.go); output -json writes one document. Commands without -json
// (Version, Sim, ForceUnlock, Fmt, Graph) have their human form only, a
// plain type. Views do not decide what runs nor
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
	// Version is netrun's, for the version event of the -json stream.
	Version string
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

// jsonView is the base of output -json, which writes one JSON document
// (validate, plan and apply -json write a stream: json.go).
type jsonView struct{ *View }

// streamView is the base of the JSON forms that write the event stream.
type streamView struct {
	*View
	s *stream
}

func newStreamView(v *View) streamView { return streamView{View: v, s: newStream(v)} }

// Diagnostics writes a diagnostic event per problem.
func (v streamView) Diagnostics(_ map[string]*hcl.File, diags hcl.Diagnostics) {
	v.s.diagnostics(diags)
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
