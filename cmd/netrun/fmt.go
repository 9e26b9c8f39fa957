package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/netrun/netrun/cmd/netrun/views"
	"github.com/netrun/netrun/internal/safefile"
)

// fmtExitChanges is fmt -check's status when a file is not in canonical
// form: Terraform's 3, so 1 stays "could not tell" (a syntax error).
const fmtExitChanges = 3

// runFmt rewrites runbook files in HCL's canonical form (hclwrite.Format,
// what terraform fmt does for .tf files). A file that does not parse is a
// located diagnostic and is left alone; the others are still formatted.
func runFmt(wd string, a fmtArgs, stdin io.Reader, stdout, stderr io.Writer) int {
	f := &formatter{args: a, view: views.NewFmt(&views.View{Stdout: stdout, Stderr: stderr}), files: map[string]*hcl.File{}}
	for _, p := range a.Paths {
		if p == "-" {
			f.stdin(stdin)
			continue
		}
		if err := f.walk(within(wd, p), p); err != nil {
			return errorf(stderr, "fmt: %v", err)
		}
	}
	switch {
	case f.diags.HasErrors():
		f.view.Diagnostics(f.files, f.diags)
		return 1
	case a.Check && f.changed:
		return fmtExitChanges
	}
	return 0
}

type formatter struct {
	args    fmtArgs
	view    views.Fmt
	files   map[string]*hcl.File // parsed, for diagnostics' snippets
	diags   hcl.Diagnostics
	changed bool // a file is not in canonical form
}

// walk formats the file at path, or the runbook files (*.hcl) of the
// directory at path, and those of its subdirectories under -recursive.
// Folders whose name starts with a dot (.netrun, .git) are not runbooks'
// source and are skipped. name is path as the user wrote it, for listing
// and diagnostics.
func (f *formatter) walk(path, name string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		// A file named on the command line is formatted whatever its
		// extension: a -var-file may be called anything.
		return f.file(path, name)
	}
	return filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != path && (!f.args.Recursive || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(d.Name(), ".hcl") {
			return nil
		}
		rel, err := filepath.Rel(path, p)
		if err != nil {
			return err
		}
		return f.file(p, filepath.Join(name, rel))
	})
}

func (f *formatter) file(path, name string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, changed := f.format(src, name)
	if !changed {
		return nil
	}
	if f.args.List {
		f.view.Listed(name)
	}
	if f.args.Diff {
		f.view.Diff(name, src, out)
	}
	if f.args.Write {
		return writeSource(path, out)
	}
	return nil
}

// stdin formats standard input: the result goes to standard output
// unless -check or -diff say to show only whether or how it changes.
func (f *formatter) stdin(r io.Reader) {
	src, err := io.ReadAll(r)
	if err != nil {
		f.diags = append(f.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read standard input", Detail: err.Error()})
		return
	}
	out, changed := f.format(src, "<stdin>")
	switch {
	case f.args.Diff:
		if changed {
			f.view.Diff("<stdin>", src, out)
		}
	case !f.args.Check && !f.diags.HasErrors():
		f.view.Source(out)
	}
}

// format returns src in canonical form and whether that differs from src;
// a syntax error is kept in f.diags and leaves src as it is.
func (f *formatter) format(src []byte, name string) ([]byte, bool) {
	// hclwrite formats tokens and would tidy a broken file without a word:
	// parse first so a syntax error is reported where it is. Not through
	// an hclparse.Parser: it parses a name once, and a file named twice
	// (fmt . main.hcl) must be checked each time.
	file, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	f.files[name] = file
	if diags.HasErrors() {
		f.diags = append(f.diags, diags...)
		return src, false
	}
	out := hclwrite.Format(src)
	if bytes.Equal(src, out) {
		return src, false
	}
	f.changed = true
	return out, true
}

// writeSource replaces a runbook file atomically, keeping its permissions.
// Unlike the files netrun makes, a source file may well be a symbolic link
// the user keeps on purpose: the file it points at is written.
func writeSource(path string, data []byte) error {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	fi, err := os.Stat(real)
	if err != nil {
		return err
	}
	if err := safefile.WriteAtomic(real, data, fi.Mode().Perm()); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
