package configtree

import (
	"fmt"
	"strings"
)

// Apply changes the tree as a device would on receiving lines in
// configuration mode: what a simulated device and tests need to see the
// effect of a remediation without a device.
//
// On Indented dialects a line opens a section when the tree already holds
// it as one or it matches the dialect's SectionHeads; ExitSection leaves
// the section and "end" every section. An interface named by one of the
// dialect's abbreviations is the interface of the full name, which a new
// section is given, as the device prints it. "no X" removes the lines X is
// a word prefix of (recording "no K" for a NegatedShown setting K); a line
// replaces a single-valued setting's old value and any "no" form of itself;
// other lines are appended to their section. On SetLines dialects "set X" adds a
// line (replacing a single-valued one) and "delete X" removes X and every
// line under it; any other line is an error.
func (t *Tree) Apply(lines []string, d Dialect) error {
	r := d.rules()
	if d.Style == SetLines {
		return t.applySet(lines, r)
	}
	root := &Node{Children: t.Children}
	stack := []*Node{root}
	for _, raw := range lines {
		l := strings.TrimSpace(raw)
		if l == "" {
			continue
		}
		if d.ExitSection != "" && l == d.ExitSection {
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		if l == "end" {
			stack = stack[:1]
			continue
		}
		if strings.HasPrefix(l, "banner ") {
			if p, _ := parse(l, r, false); len(p.Children) == 1 {
				l = p.Children[0].Line
			}
		}
		cur := stack[len(stack)-1]

		if x, ok := r.negated(l); ok {
			cur.Children = removeWhere(cur.Children, func(n *Node) bool {
				_, neg := r.negated(n.Line)
				return !neg && r.prefixOf(n.Line, x)
			})
			if k := r.shownKey(x); k != "" && findLine(cur.Children, r.d.Negate+k) == nil && !hasPositive(cur.Children, k, r) {
				cur.Children = append(cur.Children, &Node{Line: r.d.Negate + k})
			}
			continue
		}

		cur.Children = removeWhere(cur.Children, func(n *Node) bool {
			x, neg := r.negated(n.Line)
			return neg && hasWordPrefix(l, x)
		})
		n := findLine(cur.Children, l)
		if n == nil && strings.HasPrefix(l, ifKeyword) {
			l = r.ifKey(l)
			n = r.findInterface(cur.Children, l)
		}
		if n == nil {
			n = r.replaceSingle(cur.Children, l)
		}
		if n == nil {
			if r.isDefaultOn(l) {
				continue // on by default: not shown
			}
			n = &Node{Line: l}
			cur.Children = append(cur.Children, n)
		}
		if len(n.Children) > 0 || r.isHead(l) {
			stack = append(stack, n)
		}
	}
	t.Children = root.Children
	return nil
}

func (t *Tree) applySet(lines []string, r *rules) error {
	for i, raw := range lines {
		l := strings.TrimSpace(raw)
		if l == "" {
			continue
		}
		if x, ok := r.negated(l); ok {
			t.Children = removeWhere(t.Children, func(n *Node) bool {
				return strings.HasPrefix(n.Line, r.d.Set) && hasWordPrefix(r.body(n.Line), x)
			})
			continue
		}
		if !strings.HasPrefix(l, r.d.Set) {
			return fmt.Errorf("line %d: %q is neither a %q nor a %q line", i+1, l, strings.TrimSpace(r.d.Set), strings.TrimSpace(r.d.Negate))
		}
		if findLine(t.Children, l) != nil {
			continue
		}
		if r.replaceSingle(t.Children, l) == nil {
			t.Children = append(t.Children, &Node{Line: l})
		}
	}
	return nil
}

// replaceSingle gives l to the node among nodes that holds the same
// single-valued setting, and returns that node: nil when l is not
// single-valued or no node holds its setting.
func (r *rules) replaceSingle(nodes []*Node, l string) *Node {
	k := r.singleKey(l)
	if k == "" {
		return nil
	}
	for _, n := range nodes {
		if r.singleKey(n.Line) == k {
			n.Line = l
			return n
		}
	}
	return nil
}

// hasPositive reports whether a line of ns sets k (a secondary address
// left when the primary one goes: IOS then shows no "no ip address").
func hasPositive(ns []*Node, k string, r *rules) bool {
	for _, n := range ns {
		if _, neg := r.negated(n.Line); !neg && hasWordPrefix(n.Line, k) {
			return true
		}
	}
	return false
}

// findInterface returns the node of ns naming the interface of key, an
// ifKey, in any spelling.
func (r *rules) findInterface(ns []*Node, key string) *Node {
	for _, n := range ns {
		if r.ifKey(n.Line) == key {
			return n
		}
	}
	return nil
}

func findLine(ns []*Node, line string) *Node {
	for _, n := range ns {
		if n.Line == line {
			return n
		}
	}
	return nil
}

func removeWhere(ns []*Node, drop func(*Node) bool) []*Node {
	out := ns[:0]
	for _, n := range ns {
		if !drop(n) {
			out = append(out, n)
		}
	}
	clear(ns[len(out):])
	return out
}
