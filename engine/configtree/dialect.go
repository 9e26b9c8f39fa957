package configtree

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/netrun/netrun/drivers/platform"
)

// Dialect is a platform's configuration dialect (platform.Dialect, whose
// fields say what each holds) with the methods the algorithms match lines
// by. The data of the built-in platforms lives in drivers/platform, with the
// rest of what netrun knows of each platform; callers may build their own.
type Dialect platform.Dialect

// Style and Setting are drivers/platform's, named here for configtree's
// callers.
type (
	Style   = platform.Style
	Setting = platform.Setting
)

const (
	Indented = platform.Indented
	SetLines = platform.SetLines
)

// ErrPlatform is returned by DialectFor for a platform without a dialect.
var ErrPlatform = errors.New("configtree: no dialect for platform")

// DialectFor returns the dialect of a platform known to netrun; "" is
// cisco_iosxe, the default platform of a device. A commands-only platform
// has none.
func DialectFor(name string) (Dialect, error) {
	p, err := platform.Lookup(name)
	if err != nil || p.Dialect == nil {
		var known []string
		for _, n := range platform.Names() {
			if platform.Platforms[n].Dialect != nil {
				known = append(known, n)
			}
		}
		return Dialect{}, fmt.Errorf("%w %q (known: %s)", ErrPlatform, name, strings.Join(known, ", "))
	}
	return Dialect(*p.Dialect), nil
}

// rules is a Dialect prepared for matching: compiled expressions and split
// patterns. Dialects are values that callers may build themselves, so rules
// are cached by the dialect's content rather than held in it.
type rules struct {
	d            Dialect
	ignore       []ignorer
	single       []setting
	negateKey    [][]string
	negatedShown [][]string
	defaultOn    map[string]bool
	heads        [][]string
	// ifTypes maps each interface type name and abbreviation of the
	// dialect, lower-cased, to the type's name as the device prints it.
	ifTypes map[string]string
}

type setting struct {
	key    []string
	unless string
}

var rulesCache sync.Map // fingerprint → *rules

func (d Dialect) fingerprint() string {
	var b strings.Builder
	w := func(s string) { b.WriteString(s); b.WriteByte(0) }
	w(d.Name)
	w(fmt.Sprint(d.Style, d.SectionWords))
	for _, l := range [][]string{d.Ignore, d.NegateKey, d.NegatedShown, d.DefaultOn, d.SectionHeads} {
		for _, s := range l {
			w(s)
		}
		b.WriteByte(1)
	}
	for _, n := range d.InterfaceNames {
		w(n.Name)
		for _, a := range n.Abbrevs {
			w(a)
		}
		b.WriteByte(1)
	}
	for _, s := range d.SingleValued {
		w(s.Key)
		w(s.Unless)
	}
	w(d.Set)
	w(d.Negate)
	w(d.ExitSection)
	w(d.BannerEnd)
	return b.String()
}

func (d Dialect) rules() *rules {
	fp := d.fingerprint()
	if r, ok := rulesCache.Load(fp); ok {
		return r.(*rules)
	}
	r := &rules{d: d}
	r.ignore = compileIgnore(d.Ignore)
	for _, s := range d.SingleValued {
		r.single = append(r.single, setting{key: strings.Fields(s.Key), unless: s.Unless})
	}
	split := func(ps []string) [][]string {
		out := make([][]string, 0, len(ps))
		for _, p := range ps {
			out = append(out, strings.Fields(p))
		}
		return out
	}
	r.negateKey = split(d.NegateKey)
	r.negatedShown = split(d.NegatedShown)
	r.defaultOn = make(map[string]bool, len(d.DefaultOn))
	for _, k := range d.DefaultOn {
		r.defaultOn[strings.Join(strings.Fields(k), " ")] = true
	}
	r.heads = split(d.SectionHeads)
	r.ifTypes = make(map[string]string)
	for _, n := range d.InterfaceNames {
		r.ifTypes[strings.ToLower(n.Name)] = n.Name
		for _, a := range n.Abbrevs {
			r.ifTypes[strings.ToLower(a)] = n.Name
		}
	}
	actual, _ := rulesCache.LoadOrStore(fp, r)
	return actual.(*rules)
}

// Validate reports an Ignore expression that does not compile; Parse and
// Diff skip such expressions.
func (d Dialect) Validate() error {
	for _, p := range d.Ignore {
		if _, err := regexp.Compile(p); err != nil {
			return fmt.Errorf("dialect %s: ignore %q: %v", d.Name, p, err)
		}
	}
	return nil
}

// ignorer is one Ignore expression and the literal text a line must start
// with for it to match, checked first: a plan parses hundreds of thousands
// of lines, most of which no expression matches.
type ignorer struct {
	prefix string
	// indented: the pattern starts "^\s*", so prefix is looked for after
	// the line's indentation.
	indented bool
	re       *regexp.Regexp
}

// compileIgnore compiles the expressions one by one (each anchored one
// fails at once on most lines, where a joined alternation would be tried
// at every position) and skips those that do not compile.
func compileIgnore(ps []string) []ignorer {
	var out []ignorer
	for _, p := range ps {
		re, err := regexp.Compile(p)
		if err != nil {
			continue
		}
		// A literal prefix rules most lines out before the regular
		// expression runs: it is the hot loop of parsing.
		if rest, ok := strings.CutPrefix(p, `^\s*`); ok {
			out = append(out, ignorer{prefix: anchoredPrefix("^" + rest), indented: true, re: re})
			continue
		}
		out = append(out, ignorer{prefix: anchoredPrefix(p), re: re})
	}
	return out
}

// anchoredPrefix returns the literal text after a leading "^" of a regular
// expression, up to its first metacharacter ("" when there is none).
func anchoredPrefix(p string) string {
	if !strings.HasPrefix(p, "^") {
		return ""
	}
	p = p[1:]
	i := strings.IndexAny(p, `\.+*?()|[]{}^$`)
	if i < 0 {
		return p
	}
	if strings.ContainsRune("*?{", rune(p[i])) && i > 0 {
		i-- // the quantified character may be absent
	}
	return p[:i]
}

func (r *rules) ignored(line string) bool {
	trimmed := strings.TrimLeft(line, " \t")
	for _, ig := range r.ignore {
		head := line
		if ig.indented {
			head = trimmed
		}
		if strings.HasPrefix(head, ig.prefix) && ig.re.MatchString(line) {
			return true
		}
	}
	return false
}

// body is a line without the Set prefix, the part word patterns match.
func (r *rules) body(line string) string {
	if r.d.Set != "" {
		return strings.TrimPrefix(line, r.d.Set)
	}
	return line
}

// negated reports whether line is a negation, and returns what it negates
// (without the Set prefix).
func (r *rules) negated(line string) (string, bool) {
	if r.d.Negate != "" && strings.HasPrefix(line, r.d.Negate) {
		return line[len(r.d.Negate):], true
	}
	return "", false
}

// negate returns the line that undoes line: "no X" for "X", "X" for
// "no X", and the key alone for NegateKey settings.
func (r *rules) negate(line string) string {
	if x, ok := r.negated(line); ok {
		return r.d.Set + x
	}
	b := r.body(line)
	for _, p := range r.negateKey {
		if end, ok := matchWords(b, p); ok {
			b = b[:end]
			break
		}
	}
	return r.d.Negate + b
}

// singleKey returns the key of a single-valued setting line ("description"
// for "description uplink"), or "".
func (r *rules) singleKey(line string) string {
	b := r.body(line)
	for _, s := range r.single {
		end, ok := matchWords(b, s.key)
		if !ok {
			continue
		}
		if s.unless != "" && lastWord(b) == s.unless {
			return ""
		}
		return b[:end]
	}
	return ""
}

// shownKey returns the NegatedShown pattern's words that x starts with, as
// text, or "".
func (r *rules) shownKey(x string) string {
	for _, p := range r.negatedShown {
		if end, ok := matchWords(x, p); ok {
			return x[:end]
		}
	}
	return ""
}

// isDefaultOn reports whether line is a setting on by default and not shown.
func (r *rules) isDefaultOn(line string) bool { return r.defaultOn[line] }

// isHead reports whether line opens a sub-mode. A head pattern ending in
// "$" matches only the whole line: on IOS-XR "ntp" alone enters the ntp
// mode, while "ntp server 10.0.0.1" is a one-line command at (config).
func (r *rules) isHead(line string) bool {
	for _, p := range r.heads {
		exact := len(p) > 0 && strings.HasSuffix(p[len(p)-1], "$")
		if exact {
			p = append(p[:len(p)-1:len(p)-1], strings.TrimSuffix(p[len(p)-1], "$"))
		}
		if end, ok := matchWords(line, p); ok && (!exact || strings.TrimSpace(line[end:]) == "") {
			return true
		}
	}
	return false
}

// ifKeyword starts the lines whose interface names are compared by
// ifKey.
const ifKeyword = "interface "

// ifKey returns the form an "interface NAME" line is compared by: the
// type as the device prints it when NAME starts with one of the dialect's
// type names or abbreviations ("interface gi0/1", "interface Gi 0/1":
// "interface GigabitEthernet0/1"); any other line as it is. It is never
// sent: the device gets its own spelling or the user's.
func (r *rules) ifKey(line string) string {
	if len(r.ifTypes) == 0 || !strings.HasPrefix(line, ifKeyword) {
		return line
	}
	name := line[len(ifKeyword):]
	i := strings.IndexAny(name, "0123456789")
	if i <= 0 {
		return line
	}
	full, ok := r.ifTypes[strings.ToLower(strings.TrimRight(name[:i], " \t"))]
	if !ok {
		return line
	}
	return ifKeyword + full + name[i:]
}

// prefixOf reports whether line starts with the words of x, an interface
// named in either spelling.
func (r *rules) prefixOf(line, x string) bool {
	if hasWordPrefix(line, x) {
		return true
	}
	return strings.HasPrefix(x, ifKeyword) && hasWordPrefix(r.ifKey(line), r.ifKey(x))
}

// matchWords reports whether s starts with the words of pattern ("*"
// matches any word), and where the matched words end in s. Whitespace of
// any kind separates words.
func matchWords(s string, pattern []string) (end int, ok bool) {
	i := 0
	for _, p := range pattern {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		j := i
		for j < len(s) && !isSpace(s[j]) {
			j++
		}
		if j == i || (p != "*" && s[i:j] != p) {
			return 0, false
		}
		i = j
	}
	return i, true
}

// hasWordPrefix reports whether s is prefix or starts with prefix and a
// space: "ntp server 10.0.0.9 prefer" has the prefix "ntp server 10.0.0.9".
func hasWordPrefix(s, prefix string) bool {
	return s == prefix || (len(s) > len(prefix) && strings.HasPrefix(s, prefix) && isSpace(s[len(prefix)]))
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func lastWord(s string) string {
	s = strings.TrimRight(s, " \t\n")
	if i := strings.LastIndexAny(s, " \t\n"); i >= 0 {
		return s[i+1:]
	}
	return s
}
