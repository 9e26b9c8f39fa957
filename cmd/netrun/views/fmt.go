package views

import (
	"fmt"

	"github.com/aymanbagabas/go-udiff"
)

// Fmt is the view of netrun fmt: the files whose formatting changes (or
// would), the changes as unified diffs, formatted standard input, and
// syntax errors (Diagnostics).
type Fmt struct{ *View }

// NewFmt returns the fmt view.
func NewFmt(v *View) Fmt { return Fmt{v} }

// Listed names a file whose formatting differs.
func (v Fmt) Listed(name string) { fmt.Fprintln(v.Stdout, name) }

// Diff shows the change to name as `diff -u` would, with the old/ and new/
// prefixes Terraform uses.
func (v Fmt) Diff(name string, before, after []byte) {
	fmt.Fprint(v.Stdout, udiff.Unified("old/"+name, "new/"+name, string(before), string(after)))
}

// Source writes formatted text (fmt -).
func (v Fmt) Source(src []byte) { _, _ = v.Stdout.Write(src) }
