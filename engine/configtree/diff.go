package configtree

import (
	"errors"
	"sort"
	"strings"
)

// Match is how desired text is compared with the running configuration.
type Match int

const (
	// Merge: declared lines must exist; other lines are left alone.
	Merge Match = iota
	// Exact: within each section declared in the desired text (a top-level
	// line with lines under it; on SetLines dialects, the first
	// SectionWords words of a set line), lines not declared are removed,
	// at every depth. Top-level lines outside declared sections are left
	// alone.
	Exact
)

// Desired is the configuration a device must have.
type Desired struct {
	// Text holds the lines that must be present, indented like a running
	// configuration. A negated line ("no shutdown", Junos
	// "delete ...") means the line it negates must be absent.
	Text string
	// Absent holds lines that must not be present: a line removes the
	// running lines it is a word prefix of, at its level ("ntp server
	// 10.0.0.9" at top level; "interface Gi0/1" / " shutdown" inside that
	// section only); a top-level line without children removes a whole
	// section.
	Absent string
	Match  Match
}

// Op is what a change does to a line.
type Op int

const (
	// Add sends the line (and, for a section, its lines).
	Add Op = iota + 1
	// Remove sends the line's negation.
	Remove
	// Enter sends a section line because lines under it change; it is
	// shown "~".
	Enter
)

// String returns the symbol a plan shows for the operation.
func (o Op) String() string {
	switch o {
	case Add:
		return "+"
	case Remove:
		return "-"
	case Enter:
		return "~"
	}
	return "?"
}

// Change is one line of a remediation as shown to a user.
type Change struct {
	Op   Op
	Path []string // the section lines above Line, outermost first
	Line string   // Add: the desired line; Remove: the running line; Enter: the section line
	// Replaces is, for an Add, the running line the addition replaces (a
	// single-valued setting's old value, or a negated line such as
	// "no ip address"): the device drops it by itself, so nothing is sent
	// for it, but it is shown removed.
	Replaces string
}

// Remediation is what takes a device from its running configuration to the
// desired state.
type Remediation struct {
	Changes []Change // for display, in send order
	// Lines are exactly what to send in configuration mode, in order:
	// unindented, section lines entering sections, the dialect's
	// ExitSection after a section's lines. A banner is one element holding
	// the whole block, newlines included ("banner motd ^C\n...\n^C").
	Lines []string
	// Inverse undoes Lines on the device as it was when diffed: it is what
	// a rollback sends.
	Inverse []string
}

// Empty reports whether the device already has the desired state.
func (r Remediation) Empty() bool { return len(r.Lines) == 0 }

// Counts returns how many lines the remediation adds and removes, a
// replaced line counting as one of each.
func (r Remediation) Counts() (added, removed int) {
	for _, c := range r.Changes {
		switch c.Op {
		case Add:
			added++
			if c.Replaces != "" {
				removed++
			}
		case Remove:
			removed++
		}
	}
	return added, removed
}

// step is one change in a tree of them, the form both Lines and Inverse
// are written from.
type step struct {
	op       Op
	line     string
	replaces string
	node     *Node  // Add: the desired node; Remove: the running node
	kids     []step // Enter
	order    int    // Remove: position in the running section
}

// Diff computes the remediation that gives the running configuration the
// desired state. Within a section, removals come before additions, and
// sections are entered in the order of the desired text. The error is a
// *ParseError for desired or absent text that does not parse.
func Diff(running *Tree, want Desired, d Dialect) (Remediation, error) {
	r := d.rules()
	wt, err := parse(want.Text, r, true)
	if err != nil {
		return Remediation{}, field(err, "text")
	}
	at, err := parse(want.Absent, r, true)
	if err != nil {
		return Remediation{}, field(err, "absent")
	}
	df := &differ{r: r, exact: want.Match == Exact}
	var prune func(*Node) bool
	if df.exact && d.Style == SetLines {
		prune = df.sectionPrune(wt.Children)
	}
	var run []*Node
	if running != nil {
		run = running.Children
	}
	steps := df.level(run, wt.Children, at.Children, prune)

	var rem Remediation
	df.forward(&rem, steps, nil)
	df.inverse(&rem, steps)
	return rem, nil
}

func field(err error, name string) error {
	var pe *ParseError
	if errors.As(err, &pe) {
		c := *pe
		c.Field = name
		return &c
	}
	return err
}

type differ struct {
	r     *rules
	exact bool
}

// sectionPrune returns, for a SetLines dialect, the test of whether a
// running line belongs to a section the desired lines declare.
func (df *differ) sectionPrune(want []*Node) func(*Node) bool {
	sections := map[string]bool{}
	for _, w := range want {
		if s, ok := df.section(w.Line); ok {
			sections[s] = true
		}
	}
	return func(n *Node) bool {
		s, ok := df.section(n.Line)
		return ok && sections[s]
	}
}

func (df *differ) section(line string) (string, bool) {
	if !strings.HasPrefix(line, df.r.d.Set) {
		return "", false
	}
	words := df.r.d.SectionWords
	if words <= 0 {
		words = 2
	}
	pat := make([]string, words)
	for i := range pat {
		pat[i] = "*"
	}
	b := df.r.body(line)
	end, ok := matchWords(b, pat)
	if !ok {
		return b, true // a shorter line is its own section
	}
	return b[:end], true
}

var pruneAll = func(*Node) bool { return true }

// level diffs one section: run are its running lines, want and absent the
// desired and absent lines at this level. prune, when set, says which
// running lines not declared are removed.
func (df *differ) level(run, want, absent []*Node, prune func(*Node) bool) []step {
	r := df.r
	idx := newIndex(r, run)
	used := make([]bool, len(run))
	var keys map[string]int // single-valued key → running position, built on demand
	var removes, adds []step
	remove := func(i int) {
		used[i] = true
		removes = append(removes, step{op: Remove, line: run[i].Line, node: run[i], order: i})
	}

	absentSections := map[string]*Node{} // by ifKey
	for _, a := range absent {
		if len(a.Children) > 0 {
			absentSections[r.ifKey(a.Line)] = a
		}
	}

	for _, w := range want {
		line := w.Line
		if x, ok := r.negated(line); ok {
			// "no X": X must be absent.
			if i, ok := idx.lines[line]; ok {
				used[i] = true
				continue
			}
			found := false
			for i, n := range run {
				if !used[i] && df.positive(n.Line) && r.prefixOf(r.body(n.Line), x) {
					remove(i)
					found = true
				}
			}
			if !found && r.shownKey(x) != "" {
				// On by default and not shown: only sending the negation
				// turns it off.
				adds = append(adds, step{op: Add, line: line, node: &Node{Line: line}})
			}
			continue
		}

		if i, ok := idx.find(line); ok {
			// The section is entered as the device spells it: the
			// desired spelling may be an abbreviation of it.
			line = run[i].Line
			used[i] = true
			var ab []*Node
			if k := r.ifKey(line); absentSections[k] != nil {
				ab = absentSections[k].Children
				delete(absentSections, k)
			}
			if len(w.Children) == 0 && len(ab) == 0 {
				continue
			}
			var kp func(*Node) bool
			if df.exact && len(w.Children) > 0 {
				kp = pruneAll
			}
			if kids := df.level(run[i].Children, w.Children, ab, kp); len(kids) > 0 {
				adds = append(adds, step{op: Enter, line: line, kids: kids})
			}
			continue
		}

		if r.isDefaultOn(line) {
			// On by default: present unless the running config shows it
			// negated.
			if i, ok := idx.lines[r.d.Negate+line]; ok {
				used[i] = true
				adds = append(adds, step{op: Add, line: line, node: w, replaces: run[i].Line})
			}
			continue
		}

		st := step{op: Add, line: line, node: w}
		if k := r.singleKey(line); k != "" {
			if keys == nil {
				keys = map[string]int{}
				for i := len(run) - 1; i >= 0; i-- {
					if rk := r.singleKey(run[i].Line); rk != "" {
						keys[rk] = i
					}
				}
			}
			if i, ok := keys[k]; ok && !used[i] {
				used[i] = true
				st.replaces = run[i].Line
			}
		}
		if st.replaces == "" && r.d.Style == Indented {
			for i, n := range run {
				if x, ok := r.negated(n.Line); ok && !used[i] && hasWordPrefix(line, x) {
					used[i] = true
					st.replaces = n.Line
					break
				}
			}
		}
		adds = append(adds, st)
	}

	if prune != nil {
		for i, n := range run {
			// A running "no X" states that X is absent: nothing to remove.
			if !used[i] && df.positive(n.Line) && prune(n) {
				remove(i)
			}
		}
	}

	for _, a := range absent {
		if len(a.Children) > 0 {
			if absentSections[r.ifKey(a.Line)] == nil {
				continue // merged with the desired section
			}
			if i, ok := idx.find(a.Line); ok && !used[i] {
				if kids := df.level(run[i].Children, nil, a.Children, nil); len(kids) > 0 {
					adds = append(adds, step{op: Enter, line: run[i].Line, kids: kids})
				}
			}
			continue
		}
		x := a.Line
		if y, ok := r.negated(x); ok && r.d.Style == SetLines {
			x = r.d.Set + y // "delete X" names X as "set X" does
		}
		for i, n := range run {
			if !used[i] && r.prefixOf(n.Line, x) {
				remove(i)
			}
		}
	}

	sort.SliceStable(removes, func(a, b int) bool { return removes[a].order < removes[b].order })
	return append(removes, adds...)
}

// index finds the running line of a desired one: the same text or, for an
// interface, the same interface in another spelling the dialect knows
// ("interface Gi1" for "interface GigabitEthernet1"). Only running lines
// are found, so a desired line is met only by a line the device shows.
type index struct {
	r     *rules
	run   []*Node
	lines map[string]int // text → first position
	ifs   map[string]int // ifKey → first position, built on first use
}

func newIndex(r *rules, run []*Node) *index {
	x := &index{r: r, run: run, lines: make(map[string]int, len(run))}
	for i := len(run) - 1; i >= 0; i-- {
		x.lines[run[i].Line] = i
	}
	return x
}

// find returns the position of line's running line. The same text comes
// first: on FRRouting "interface eth0" and "interface Ethernet0" are two
// interfaces, whatever the dialect makes of the names.
func (x *index) find(line string) (int, bool) {
	if i, ok := x.lines[line]; ok {
		return i, true
	}
	if len(x.r.ifTypes) == 0 || !strings.HasPrefix(line, ifKeyword) {
		return 0, false
	}
	if x.ifs == nil {
		x.ifs = map[string]int{}
		for i := len(x.run) - 1; i >= 0; i-- {
			if l := x.run[i].Line; strings.HasPrefix(l, ifKeyword) {
				x.ifs[x.r.ifKey(l)] = i
			}
		}
	}
	i, ok := x.ifs[x.r.ifKey(line)]
	return i, ok
}

// positive reports whether a running line sets something (rather than
// stating, "no X", that X is off).
func (df *differ) positive(line string) bool {
	_, neg := df.r.negated(line)
	return !neg && strings.HasPrefix(line, df.r.d.Set)
}

func (df *differ) exit(lines []string) []string {
	if df.r.d.ExitSection != "" {
		lines = append(lines, df.r.d.ExitSection)
	}
	return lines
}

func (df *differ) forward(rem *Remediation, steps []step, path []string) {
	for _, s := range steps {
		switch s.op {
		case Remove:
			rem.Changes = append(rem.Changes, Change{Op: Remove, Path: path, Line: s.line})
			rem.Lines = append(rem.Lines, df.r.negate(s.line))
		case Add:
			rem.Changes = append(rem.Changes, Change{Op: Add, Path: path, Line: s.line, Replaces: s.replaces})
			rem.Lines = append(rem.Lines, s.line)
			if s.node != nil && len(s.node.Children) > 0 {
				df.addAll(rem, s.node.Children, append(clip(path), s.line))
			}
			if df.opens(s.node) {
				rem.Lines = df.exit(rem.Lines)
			}
		case Enter:
			rem.Changes = append(rem.Changes, Change{Op: Enter, Path: path, Line: s.line})
			rem.Lines = append(rem.Lines, s.line)
			df.forward(rem, s.kids, append(clip(path), s.line))
			rem.Lines = df.exit(rem.Lines)
		}
	}
}

func (df *differ) addAll(rem *Remediation, ns []*Node, path []string) {
	for _, n := range ns {
		rem.Changes = append(rem.Changes, Change{Op: Add, Path: path, Line: n.Line})
		rem.Lines = append(rem.Lines, n.Line)
		df.addAll(rem, n.Children, append(clip(path), n.Line))
		if df.opens(n) {
			rem.Lines = df.exit(rem.Lines)
		}
	}
}

// inverse writes the lines that undo steps, last step first: additions are
// negated (or the replaced line sent back), removals sent again with the
// section they held.
func (df *differ) inverse(rem *Remediation, steps []step) {
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		switch s.op {
		case Remove:
			rem.Inverse = df.restore(rem.Inverse, []*Node{s.node})
		case Add:
			if s.replaces != "" {
				rem.Inverse = append(rem.Inverse, s.replaces)
			} else {
				rem.Inverse = append(rem.Inverse, df.r.negate(s.line))
			}
		case Enter:
			rem.Inverse = append(rem.Inverse, s.line)
			df.inverse(rem, s.kids)
			rem.Inverse = df.exit(rem.Inverse)
		}
	}
}

func (df *differ) restore(lines []string, ns []*Node) []string {
	for _, n := range ns {
		lines = append(lines, n.Line)
		lines = df.restore(lines, n.Children)
		if df.opens(n) {
			lines = df.exit(lines)
		}
	}
	return lines
}

// opens reports whether sending n's line enters a section, which must then
// be left before the lines that follow: it has lines under it, or its
// dialect says such lines open sections even when empty.
func (df *differ) opens(n *Node) bool {
	return n != nil && (len(n.Children) > 0 || df.r.isHead(n.Line))
}

// clip returns s with no spare capacity, so that appending to it copies.
func clip(s []string) []string { return s[:len(s):len(s)] }
