package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclwrite"
)

// TestFmtExamples checks that every example runbook is in canonical form,
// and that fmt -check finds, and fmt repairs, a misformatted copy of each.
func TestFmtExamples(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..", "examples")
	if code, stdout, stderr := netrun(t, "", "fmt", "-check", "-recursive", root); code != 0 {
		t.Fatalf("the examples are not canonical: fmt -check exit %d\n%s%s", code, stdout, stderr)
	}
	copied := copyExample(t, ".")
	files, _ := filepath.Glob(filepath.Join(copied, "*", "main.hcl"))
	more, _ := filepath.Glob(filepath.Join(copied, "*", "*", "main.hcl"))
	files = append(files, more...)
	if len(files) < 9 {
		t.Fatalf("found %d example runbooks: %v", len(files), files)
	}
	for _, file := range files {
		rel, _ := filepath.Rel(copied, filepath.Dir(file))
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			canonical := readFile(t, file)
			mangled := mangle(canonical)
			if mangled == canonical {
				t.Fatal("mangling changed nothing")
			}
			if err := os.WriteFile(file, []byte(mangled), 0o644); err != nil {
				t.Fatal(err)
			}
			dir := filepath.Dir(file)
			code, stdout, stderr := netrun(t, "", "fmt", "-check", dir)
			if code != 3 || stdout != file+"\n" {
				t.Errorf("fmt -check on the misformatted copy: exit %d, want 3 listing %s\n%s%s", code, file, stdout, stderr)
			}
			if readFile(t, file) != mangled {
				t.Error("fmt -check wrote the file")
			}
			if code, stdout, stderr := netrun(t, "", "fmt", dir); code != 0 || stdout != file+"\n" {
				t.Errorf("fmt: exit %d, want 0 listing %s\n%s%s", code, file, stdout, stderr)
			}
			if code, stdout, stderr := netrun(t, "", "fmt", "-check", dir); code != 0 || stdout != "" {
				t.Errorf("fmt -check after fmt: exit %d\n%s%s", code, stdout, stderr)
			}
			got := readFile(t, file)
			if want := string(hclwrite.Format([]byte(got))); got != want {
				t.Errorf("fmt left a file that is not canonical:\n%s", got)
			}
			if got != canonical {
				t.Errorf("fmt did not restore the example:\n%s", got)
			}
		})
	}
}

var heredoc = regexp.MustCompile(`<<-?([A-Za-z_]+)\s*$`)

// mangle re-indents every line with a tab and three spaces and pads the
// first " = " of each line but comments, leaving heredocs' text, which is
// data, alone.
func mangle(src string) string {
	lines := strings.Split(src, "\n")
	marker := ""
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		if marker != "" {
			if trimmed == marker {
				marker = ""
			}
			continue
		}
		if m := heredoc.FindStringSubmatch(line); m != nil {
			marker = m[1]
		}
		if trimmed == "" {
			continue
		}
		if !strings.HasPrefix(trimmed, "#") {
			trimmed = strings.Replace(trimmed, " = ", "   =  ", 1)
		}
		lines[i] = "\t   " + trimmed
	}
	return strings.Join(lines, "\n")
}

// TestFmtFlags runs the real binary: -diff, -write=false, -list=false,
// -recursive, standard input and a syntax error.
func TestFmtFlags(t *testing.T) {
	t.Parallel()
	const bad = "device \"r1\" {\nhost   =  \"10.0.0.1\"\n    port=22\n}\n"
	const good = "device \"r1\" {\n  host = \"10.0.0.1\"\n  port = 22\n}\n"
	setup := func(t *testing.T) string {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "sub", ".netrun"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"main.hcl", "sub/more.hcl", "sub/.netrun/hidden.hcl", "devices.csv"} {
			if err := os.WriteFile(filepath.Join(dir, f), []byte(bad), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	t.Run("diff without writing", func(t *testing.T) {
		t.Parallel()
		dir := setup(t)
		fmtIn(t, dir, 0, "main.hcl\n--- old/main.hcl\n+++ new/main.hcl\n@@ -1,4 +1,4 @@\n device \"r1\" {\n"+
			"-host   =  \"10.0.0.1\"\n-    port=22\n+  host = \"10.0.0.1\"\n+  port = 22\n }\n", "-diff", "-write=false")
		if readFile(t, filepath.Join(dir, "main.hcl")) != bad {
			t.Error("-write=false wrote the file")
		}
	})
	t.Run("check lists and exits 3", func(t *testing.T) {
		t.Parallel()
		dir := setup(t)
		fmtIn(t, dir, 3, "main.hcl\nsub/more.hcl\n", "-check", "-recursive")
		fmtIn(t, dir, 3, "", "-check", "-list=false", "sub")
	})
	t.Run("recursive writes, hidden folders and other files left alone", func(t *testing.T) {
		t.Parallel()
		dir := setup(t)
		fmtIn(t, dir, 0, "", "-list=false", "-recursive")
		for f, want := range map[string]string{"main.hcl": good, "sub/more.hcl": good, "sub/.netrun/hidden.hcl": bad, "devices.csv": bad} {
			if got := readFile(t, filepath.Join(dir, f)); got != want {
				t.Errorf("%s:\n%s", f, got)
			}
		}
	})
	t.Run("a named file", func(t *testing.T) {
		t.Parallel()
		dir := setup(t)
		fmtIn(t, dir, 0, "sub/more.hcl\n", "sub/more.hcl")
		if readFile(t, filepath.Join(dir, "sub", "more.hcl")) != good {
			t.Error("fmt FILE did not format it")
		}
		if readFile(t, filepath.Join(dir, "main.hcl")) != bad {
			t.Error("fmt FILE formatted another file")
		}
	})
	t.Run("standard input", func(t *testing.T) {
		t.Parallel()
		code, stdout, stderr := netrun(t, bad, "fmt", "-")
		if code != 0 || stdout != good {
			t.Errorf("exit %d\n%s%s", code, stdout, stderr)
		}
		if code, _, _ := netrun(t, bad, "fmt", "-check", "-"); code != 3 {
			t.Errorf("fmt -check - on misformatted input: exit %d, want 3", code)
		}
	})
	t.Run("syntax error", func(t *testing.T) {
		t.Parallel()
		dir := setup(t)
		broken := "device \"r1\" {\n  host = \n"
		if err := os.WriteFile(filepath.Join(dir, "sub", "broken.hcl"), []byte(broken), 0o644); err != nil {
			t.Fatal(err)
		}
		// Named twice: still not written the second time.
		code, stdout, stderr := runIn(t, dir, "fmt", "-recursive", ".", "sub/broken.hcl")
		if code != 1 || !strings.Contains(stderr, "Error: ") || !strings.Contains(stderr, "on sub/broken.hcl line 2") {
			t.Errorf("exit %d, want 1 and a located diagnostic\n%s%s", code, stdout, stderr)
		}
		if readFile(t, filepath.Join(dir, "sub", "broken.hcl")) != broken {
			t.Error("fmt wrote a file it could not parse")
		}
		if readFile(t, filepath.Join(dir, "sub", "more.hcl")) != good {
			t.Error("a syntax error in one file stopped the others being formatted")
		}
	})
	t.Run("missing path", func(t *testing.T) {
		t.Parallel()
		code, _, stderr := netrun(t, "", "fmt", filepath.Join(t.TempDir(), "nope"))
		if code != 1 || !strings.Contains(stderr, "nope") {
			t.Errorf("exit %d\n%s", code, stderr)
		}
	})
}

// fmtIn runs netrun fmt with args as a process in dir and reports an exit
// status or a standard output other than wanted.
func fmtIn(t *testing.T, dir string, wantCode int, wantStdout string, args ...string) {
	t.Helper()
	code, stdout, stderr := runIn(t, dir, append([]string{"fmt"}, args...)...)
	if code != wantCode || stdout != wantStdout {
		t.Errorf("fmt %s: exit %d, want %d; stdout:\n%s\nwant:\n%s\nstderr:\n%s",
			strings.Join(args, " "), code, wantCode, stdout, wantStdout, stderr)
	}
}

func TestParseFmt(t *testing.T) {
	t.Parallel()
	testParse(t, parseFmt, []parseCase[fmtArgs]{
		{"defaults", nil, fmtArgs{Paths: []string{"."}, List: true, Write: true}, false},
		{"paths among flags", []string{"a", "-diff", "b.hcl", "-recursive", "-"},
			fmtArgs{Paths: []string{"a", "b.hcl", "-"}, List: true, Write: true, Diff: true, Recursive: true}, false},
		{"check writes nothing", []string{"-check"}, fmtArgs{Paths: []string{"."}, List: true, Check: true}, false},
		{"no list, no write", []string{"-list=false", "-write=false", "x"}, fmtArgs{Paths: []string{"x"}}, false},
		{"unknown flag", []string{"-fix"}, fmtArgs{}, true},
	})
}
