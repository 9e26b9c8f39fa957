package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// yamlBomb is a "billion laughs" document: nine levels of ten aliases each
// expand to 10⁹ strings.
const yamlBomb = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]
`

// TestFilesThatNeverEnd reads what file(), templatefile() and yamldecode
// could wait on forever or expand without bound: each must be a located
// diagnostic, returned at once.
func TestFilesThatNeverEnd(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, expr, want string
		setup            func(t *testing.T, dir string)
	}{
		{"fifo", `file("pipe")`, `"pipe" is not a regular file (it is a named pipe)`, func(t *testing.T, dir string) {
			if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"fifo template", `templatefile("pipe", {})`, `"pipe" is not a regular file (it is a named pipe)`, func(t *testing.T, dir string) {
			if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"dev zero", `file("/dev/zero")`, `"/dev/zero" is not a regular file (it is a device)`, nil},
		{"directory", `file(".")`, `"." is not a regular file (it is a directory)`, nil},
		{"too large", `file("big.txt")`, `"big.txt" is larger than 64 MiB`, func(t *testing.T, dir string) {
			f, err := os.Create(filepath.Join(dir, "big.txt"))
			if err == nil {
				err = f.Truncate(64<<20 + 1) // sparse: no disk used
			}
			if err == nil {
				err = f.Close()
			}
			if err != nil {
				t.Fatal(err)
			}
		}},
		{"yaml alias bomb", `yamldecode(file("bomb.yaml"))`, "expands to more than 1000000 nodes", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "bomb.yaml"), []byte(yamlBomb), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"yaml self alias", `yamldecode("a: &a [1, *a]")`, `cannot refer to anchor "a" from inside its own definition`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := writeRunbook(t, `locals {
  x = `+tc.expr+`
}
`)
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			done := make(chan hcl.Diagnostics, 1)
			go func() {
				_, diags := loadAndEvaluate(dir)
				done <- diags
			}()
			var diags hcl.Diagnostics
			select {
			case diags = <-done:
			case <-time.After(30 * time.Second):
				t.Fatalf("%s: no answer in 30s, evaluation hangs", tc.expr)
			}
			if !diags.HasErrors() {
				t.Fatalf("%s: no error", tc.expr)
			}
			d := diags[0]
			if !strings.Contains(d.Detail, tc.want) {
				t.Errorf("%s: %s: %s, want %q", tc.expr, d.Summary, d.Detail, tc.want)
			}
			if d.Subject == nil || d.Subject.Start.Line != 2 {
				t.Errorf("%s: diagnostic at %v, want line 2 of main.hcl", tc.expr, d.Subject)
			}
		})
	}
}
