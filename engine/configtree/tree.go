// Package configtree models a network device's configuration as a tree of
// lines and computes the remediation that takes a running configuration to a
// desired state: the lines to send in configuration mode, in order, and the
// lines that undo them.
//
// It knows how platforms write configuration (indented sections on IOS,
// NX-OS, EOS and IOS-XR; "set" lines on Junos), how they negate a line and
// which settings hold a single value, all as data in a Dialect, read from
// drivers/platform, where each platform's data lives. It is pure:
// no I/O, no sessions, no knowledge of runbooks. Reading the running
// configuration, pushing lines, committing and verifying belong to the
// engine and the drivers.
//
// What a remediation sends is the device's own spelling of a line it
// shows, or the desired text as written: the dialect's interface
// abbreviations ("Gi0/1") are expanded to compare, never to send.
//
// The diff treats each section as a set of lines. Sections whose order
// matters to the device (access lists, route-policies) are compared as sets
// too: a reordering is not seen.
package configtree

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Tree is a configuration: its top-level lines, each with the lines of its
// section.
type Tree struct {
	Children []*Node
}

// Node is one configuration line and, when it opens a section, the lines
// under it. Line is trimmed of indentation; a banner is one node whose Line
// holds the whole block, newlines included.
type Node struct {
	Line     string
	Children []*Node
}

// String returns the canonical text: one line per node, children indented
// one space per level (SetLines dialects have no children), each line
// ending in a newline.
func (t *Tree) String() string {
	var b strings.Builder
	b.Grow(t.size())
	writeNodes(&b, t.Children, 0)
	return b.String()
}

func (t *Tree) size() int {
	n := 0
	var walk func([]*Node, int)
	walk = func(ns []*Node, depth int) {
		for _, c := range ns {
			n += depth + len(c.Line) + 1
			walk(c.Children, depth+1)
		}
	}
	walk(t.Children, 0)
	return n
}

func writeNodes(b *strings.Builder, ns []*Node, depth int) {
	for _, n := range ns {
		for range depth {
			b.WriteByte(' ')
		}
		b.WriteString(n.Line)
		b.WriteByte('\n')
		writeNodes(b, n.Children, depth+1)
	}
}

// Clone returns a deep copy of t.
func (t *Tree) Clone() *Tree {
	return &Tree{Children: cloneNodes(t.Children)}
}

func cloneNodes(ns []*Node) []*Node {
	if ns == nil {
		return nil
	}
	out := make([]*Node, len(ns))
	for i, n := range ns {
		out[i] = &Node{Line: n.Line, Children: cloneNodes(n.Children)}
	}
	return out
}

// Find returns the node reached by following path, one line per level, or
// nil.
func (t *Tree) Find(path ...string) *Node {
	ns := t.Children
	var found *Node
	for _, p := range path {
		found = nil
		for _, n := range ns {
			if n.Line == p {
				found = n
				break
			}
		}
		if found == nil {
			return nil
		}
		ns = found.Children
	}
	return found
}

// Digest returns "sha256:" and the hex SHA-256 of the canonical tree of a
// running configuration, ignored lines dropped, so that two reads of an
// unchanged device give the same digest whatever the timestamps, comments,
// line endings and trailing spaces of the output.
func Digest(running string, d Dialect) string {
	return Parse(running, d).Digest()
}

// Digest is Digest of a tree already parsed.
func (t *Tree) Digest() string {
	sum := sha256.Sum256([]byte(t.String()))
	return "sha256:" + hex.EncodeToString(sum[:])
}
