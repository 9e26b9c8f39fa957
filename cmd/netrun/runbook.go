package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/scrapli"
	"github.com/netrun/netrun/drivers/sshraw"
	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/config"
)

// builtinDrivers are the drivers compiled into netrun.
func builtinDrivers() (drivers.Registry, error) {
	ssh, err := sshraw.New()
	if err != nil {
		return nil, err
	}
	sc, err := scrapli.New()
	if err != nil {
		return nil, err
	}
	return drivers.Registry{"ssh": ssh, "scrapli": sc}, nil
}

// load parses and evaluates the runbook in dir. The parser is returned so
// diagnostics render with file, line and a snippet of the source.
func load(dir string, v varFlags, reg drivers.Registry) (*config.Runbook, *hclparse.Parser, hcl.Diagnostics) {
	parser := hclparse.NewParser()
	mod, diags := config.Load(parser, dir)
	if diags.HasErrors() {
		return nil, parser, diags
	}
	rb, more := mod.Evaluate(config.Inputs{Vars: v.Vars, VarFiles: v.VarFiles, Env: os.Environ()}, engine.LoadOptions(reg))
	return rb, parser, append(diags, more...)
}

func writeDiags(parser *hclparse.Parser, diags hcl.Diagnostics, asJSON bool, stdout, stderr io.Writer) {
	if asJSON {
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
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(out)
		return
	}
	w := hcl.NewDiagnosticTextWriter(stderr, parser.Files(), 78, false)
	_ = w.WriteDiagnostics(diags)
}

// newLogger logs warnings (such as a skipped host key check) to stderr;
// NETRUN_LOG=debug shows more.
func newLogger(stderr io.Writer) *slog.Logger {
	level := slog.LevelWarn
	switch os.Getenv("NETRUN_LOG") {
	case "debug":
		level = slog.LevelDebug
	case "info":
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
}

func errorf(stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "netrun: "+format+"\n", args...)
	return 1
}
