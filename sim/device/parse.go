package device

import (
	"net"
	"strconv"
	"strings"
)

// A command tree resolves typed words the way IOS does: each word is a
// keyword, a unique prefix of one ("sh ip int br"), or an argument.

// token is one word of a typed line and where it starts, for the caret.
type token struct {
	s   string
	pos int
}

func tokenize(line string) []token {
	var toks []token
	start := -1
	for i := 0; i <= len(line); i++ {
		if i == len(line) || line[i] == ' ' || line[i] == '\t' {
			if start >= 0 {
				toks = append(toks, token{line[start:i], start})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	return toks
}

// input is what a handler gets: the resolved arguments and their positions.
type input struct {
	neg  bool     // the command was prefixed with "no"
	args []string // argument values; a rest-of-line argument is the raw text
	pos  []int    // where each argument starts in the typed line
	// words is the command with full keywords and arguments, without "no":
	// config handlers store it as the configuration line.
	words []string
}

// handler runs a resolved command and returns its output, lines ending in
// "\n". Interactive commands (enable's password) talk to the client through
// the cli themselves before returning.
type handler func(c *cli, in input) string

// node is a keyword or an argument in a command tree.
type node struct {
	word string // keyword; "" for an argument
	// take consumes an argument from the front of toks (nil: keyword).
	take   func(toks []token) (val string, n int, ok bool)
	priv   int     // privilege needed to see the keyword
	run    handler // the command is complete here
	noRun  handler // complete here only after "no" (no hostname)
	negate bool    // this keyword is "no": the rest is parsed from the root
	rest   bool    // argument is the rest of the line as typed
	kids   []*node
}

func kw(word string, kids ...*node) *node { return &node{word: word, kids: kids} }

func arg(take func([]token) (string, int, bool), kids ...*node) *node {
	return &node{take: take, kids: kids}
}

func (n *node) does(h handler) *node   { n.run = h; return n }
func (n *node) undoes(h handler) *node { n.noRun = h; return n }
func (n *node) enabled() *node         { n.priv = 15; return n }
func (n *node) negated() *node         { n.negate = true; return n }

// Argument kinds.

func word(toks []token) (string, int, bool) { return toks[0].s, 1, true }

func number(lo, hi int) func([]token) (string, int, bool) {
	return func(toks []token) (string, int, bool) {
		v, err := strconv.Atoi(toks[0].s)
		return toks[0].s, 1, err == nil && v >= lo && v <= hi
	}
}

func ipv4(toks []token) (string, int, bool) {
	ip := net.ParseIP(toks[0].s)
	return toks[0].s, 1, ip != nil && ip.To4() != nil && strings.Count(toks[0].s, ".") == 3
}

func ifName(toks []token) (string, int, bool) { return normalizeIf(toks) }

// restOfLine takes the remainder of the line as typed (descriptions,
// banners), spaces included.
func restOfLine() *node {
	return &node{rest: true, take: func(toks []token) (string, int, bool) { return "", len(toks), true }}
}

// parseErr says why a line did not resolve.
type parseErr int

const (
	errNone parseErr = iota
	errInvalid
	errAmbiguous
	errIncomplete
)

// parsed is a resolved command.
type parsed struct {
	run   handler
	in    input
	words []string // canonical words, for fault matching
	err   parseErr
	at    int // caret position for errInvalid
}

// canonical is the command with full keywords, as fault knobs compare it.
func (p parsed) canonical() string { return strings.Join(p.words, " ") }

// parse resolves toks against the tree rooted at root for a session at
// privilege priv. line is the typed text, for rest-of-line arguments.
func parse(root *node, line string, toks []token, priv int) parsed {
	var p parsed
	cur := root
	for i := 0; i < len(toks); {
		t := toks[i]
		var exact, pick *node
		matches := 0
		for _, k := range cur.kids {
			if k.word == "" || k.priv > priv {
				continue
			}
			if strings.EqualFold(k.word, t.s) {
				exact = k
				break
			}
			if len(k.word) > len(t.s) && strings.EqualFold(k.word[:len(t.s)], t.s) {
				pick = k
				matches++
			}
		}
		if exact != nil {
			pick, matches = exact, 1
		}
		if matches > 1 {
			p.err, p.at = errAmbiguous, t.pos
			return p
		}
		if matches == 1 {
			if pick.negate && i == 0 {
				p.in.neg = true
				p.words = append(p.words, pick.word)
				i++
				continue // cur stays at the root
			}
			p.words = append(p.words, pick.word)
			cur = pick
			i++
			continue
		}
		var taken *node
		for _, k := range cur.kids {
			if k.take == nil || k.priv > priv {
				continue
			}
			val, n, ok := k.take(toks[i:])
			if !ok {
				continue
			}
			if k.rest {
				val = strings.TrimRight(line[t.pos:], " \t")
			}
			p.in.args = append(p.in.args, val)
			p.in.pos = append(p.in.pos, t.pos)
			p.words = append(p.words, val)
			i += n
			taken = k
			break
		}
		if taken == nil {
			p.err, p.at = errInvalid, t.pos+matchedPrefix(cur, t.s, priv)
			return p
		}
		cur = taken
	}
	p.in.words = p.words
	if p.in.neg {
		p.in.words = p.words[1:]
	}
	switch {
	case p.in.neg && cur.noRun != nil:
		p.run = cur.noRun
	case cur.run != nil:
		p.run = cur.run
	default:
		p.err = errIncomplete
	}
	return p
}

// matchedPrefix is how many characters of w some keyword accepts: IOS puts
// the caret under the first character that no longer matches.
func matchedPrefix(n *node, w string, priv int) int {
	best := 0
	for _, k := range n.kids {
		if k.word == "" || k.priv > priv {
			continue
		}
		l := 0
		for l < len(w) && l < len(k.word) && lower(w[l]) == lower(k.word[l]) {
			l++
		}
		best = max(best, l)
	}
	if best >= len(w) {
		best = len(w) - 1
	}
	return best
}

func lower(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}
