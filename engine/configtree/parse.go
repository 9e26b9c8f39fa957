package configtree

import (
	"fmt"
	"strings"
)

// ParseError is desired text that does not parse, with the line (counted
// from 1) where it goes wrong.
type ParseError struct {
	Field string // what the text is, when the caller said: "text", "absent"
	Line  int
	Msg   string
}

func (e *ParseError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: line %d: %s", e.Field, e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

// Parse reads a configuration as a device prints it. It is tolerant, as
// device output needs: \r\n line endings, tabs, trailing spaces and blank
// lines are accepted, lines matching the dialect's Ignore are dropped, and
// indentation of any consistent width (IOS 1 space, NX-OS 2, EOS 3) nests
// sections; a line indented between two levels joins the shallower one.
func Parse(text string, d Dialect) *Tree {
	t, _ := parse(text, d.rules(), false)
	return t
}

// ParseDesired reads desired configuration text as Diff does, strictly: a
// line whose indentation matches no enclosing level, a banner without its
// closing delimiter and, on SetLines dialects, a line that is neither a set
// nor a negation are errors (*ParseError). Text indented as a whole, as in
// an indented heredoc, is accepted.
func ParseDesired(text string, d Dialect) (*Tree, error) {
	return parse(text, d.rules(), true)
}

// line is one input line: its number, indentation width (tabs to the next
// multiple of 8) and the text after the indentation, right-trimmed.
type line struct {
	no     int
	indent int
	text   string
}

func splitLines(text string) []line {
	out := make([]line, 0, strings.Count(text, "\n")+1)
	no := 0
	for len(text) > 0 {
		no++
		var s string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			s, text = text[:i], text[i+1:]
		} else {
			s, text = text, ""
		}
		s = strings.TrimRight(s, " \t\r")
		col, k := 0, 0
		for ; k < len(s); k++ {
			if s[k] == ' ' {
				col++
			} else if s[k] == '\t' {
				col = (col/8 + 1) * 8
			} else {
				break
			}
		}
		out = append(out, line{no: no, indent: col, text: s[k:]})
	}
	return out
}

type level struct {
	indent int
	node   *Node
}

func parse(text string, r *rules, strict bool) (*Tree, error) {
	lines := splitLines(text)
	base := -1
	for _, l := range lines {
		if l.text != "" && (base < 0 || l.indent < base) {
			base = l.indent
		}
	}
	if base < 0 {
		return &Tree{}, nil
	}

	t := &Tree{}
	root := &Node{}
	stack := []level{{indent: -1, node: root}}
	var indented strings.Builder
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if l.text == "" {
			continue
		}
		indent := l.indent - base
		if len(r.ignore) > 0 {
			indented.Reset()
			for range indent {
				indented.WriteByte(' ')
			}
			indented.WriteString(l.text)
			if r.ignored(indented.String()) {
				continue
			}
		}

		if r.d.Style == SetLines {
			if strict && !strings.HasPrefix(l.text, r.d.Set) && !strings.HasPrefix(l.text, r.d.Negate) {
				return nil, &ParseError{Line: l.no, Msg: fmt.Sprintf("%q is neither a %q nor a %q line", l.text, strings.TrimSpace(r.d.Set), strings.TrimSpace(r.d.Negate))}
			}
			root.Children = append(root.Children, &Node{Line: l.text})
			continue
		}

		text := l.text
		if strings.HasPrefix(text, "banner ") {
			block, next, err := bannerBlock(lines, i, base, r)
			if err != nil && strict {
				return nil, err
			}
			text, i = block, next
		}

		popped, last := false, 0
		for len(stack) > 1 && stack[len(stack)-1].indent > indent {
			last = stack[len(stack)-1].indent
			stack = stack[:len(stack)-1]
			popped = true
		}
		top := stack[len(stack)-1]
		switch {
		case top.indent == indent:
			stack = stack[:len(stack)-1]
		case popped && strict:
			return nil, &ParseError{Line: l.no, Msg: fmt.Sprintf("indentation of %q (%d) matches no enclosing level (%d or %d)", l.text, indent, max(top.indent, 0), last)}
		}
		parent := stack[len(stack)-1].node
		n := &Node{Line: text}
		parent.Children = append(parent.Children, n)
		stack = append(stack, level{indent: indent, node: n})
	}
	t.Children = root.Children
	return t, nil
}

// bannerBlock reads the banner starting at lines[i] as one line holding the
// whole block, in the canonical form IOS prints: "banner TYPE ^C", the text
// between the delimiters, "^C". A banner without a delimiter ends with the
// dialect's BannerEnd line (EOS: "EOF"). It returns the block and the index
// of its last line.
func bannerBlock(lines []line, i, base int, r *rules) (string, int, error) {
	first := lines[i].text
	end, _ := matchWords(first, []string{"banner", "*"})
	head, rest := first[:end], strings.TrimLeft(first[end:], " \t")
	body := func(l line) string {
		// Banner text keeps its own indentation, less the text's.
		return strings.Repeat(" ", max(l.indent-base, 0)) + l.text
	}

	if rest == "" {
		if r.d.BannerEnd == "" {
			return first, i, nil
		}
		block := []string{head}
		for j := i + 1; j < len(lines); j++ {
			if lines[j].text == r.d.BannerEnd {
				return strings.Join(append(block, r.d.BannerEnd), "\n"), j, nil
			}
			block = append(block, body(lines[j]))
		}
		return strings.Join(append(block, r.d.BannerEnd), "\n"), len(lines) - 1,
			&ParseError{Line: lines[i].no, Msg: fmt.Sprintf("banner is not closed by %q", r.d.BannerEnd)}
	}

	delim := rest[:1]
	if strings.HasPrefix(rest, "^C") {
		delim = "^C"
	}
	text := rest[len(delim):]
	if k := strings.Index(text, delim); k >= 0 {
		return head + " ^C" + text[:k] + "^C", i, nil
	}
	var b strings.Builder
	b.WriteString(head + " ^C" + text)
	for j := i + 1; j < len(lines); j++ {
		s := body(lines[j])
		b.WriteByte('\n')
		if k := strings.Index(s, delim); k >= 0 {
			b.WriteString(s[:k])
			b.WriteString("^C")
			return b.String(), j, nil
		}
		b.WriteString(s)
	}
	b.WriteString("^C")
	return b.String(), len(lines) - 1, &ParseError{Line: lines[i].no, Msg: fmt.Sprintf("banner is not closed by %q", delim)}
}
