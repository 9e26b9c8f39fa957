package configtree

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Style is how a platform writes its configuration.
type Style int

const (
	// Indented configurations nest a section's lines under the line that
	// opens it, indented (IOS, NX-OS, EOS, IOS-XR).
	Indented Style = iota
	// SetLines configurations are flat "set ..." lines, as Junos prints
	// them with "show configuration | display set".
	SetLines
)

// Dialect is how a platform writes and changes its configuration.
//
// Several fields hold word patterns: words separated by spaces, matched
// against a line's leading words, where "*" matches any one word
// ("interfaces * description"). On SetLines dialects patterns are matched
// after the Set prefix.
type Dialect struct {
	Name  string
	Style Style

	// Ignore are regular expressions for lines of the running
	// configuration output that are not configuration: headers, comments,
	// timestamps, "end". They are matched against the line with its
	// indentation (so "^version" is a top-level line only, "^\s*!" a
	// comment at any level), in the running configuration and in desired
	// text alike.
	Ignore []string

	// Set prefixes a line that sets something ("" on IOS-like platforms,
	// "set " on Junos); Negate prefixes the line that undoes it ("no ",
	// "delete "). Negating a negated line gives the positive one:
	// "no shutdown" undoes "shutdown" and "shutdown" undoes "no shutdown".
	Set    string
	Negate string

	// ExitSection is sent after a section's lines to leave it ("exit";
	// "" where there are no sections).
	ExitSection string

	// SingleValued are settings a section holds one of: sending a new
	// value replaces the old one, so no negation of the old line is sent,
	// and undoing the change sends the old line back.
	SingleValued []Setting

	// NegateKey are word patterns of lines that are negated by their key
	// alone: "no hostname", not "no hostname r1"; "no banner motd".
	NegateKey []string

	// NegatedShown are word patterns of settings whose negated form the
	// running configuration shows ("no ip domain lookup", NX-OS's
	// "no shutdown", IOS's "no ip address" on an interface without one):
	// when it is not shown, the setting is on.
	NegatedShown []string

	// DefaultOn are settings on by default whose positive form the running
	// configuration does not show ("ip domain lookup", "cdp run"): a
	// desired "cdp run" is met unless "no cdp run" is shown.
	DefaultOn []string

	// SectionHeads are word patterns of lines that open a section; Apply
	// needs them to know where a section's lines begin, since the lines
	// sent to a device carry no indentation. Lines already holding a
	// section in the tree open it too.
	SectionHeads []string

	// BannerEnd ends a banner that has no delimiter (EOS: "EOF"); other
	// banners end with the delimiter that follows "banner TYPE" ("^C").
	BannerEnd string

	// SectionWords is, on SetLines dialects, how many words after Set name
	// the section a line belongs to for exact matching: with 2,
	// "set interfaces ge-0/0/0 unit 0 ..." belongs to
	// "interfaces ge-0/0/0".
	SectionWords int

	// InterfaceNames are the platform's interface type names, in the order
	// abbreviations are resolved: a desired "interface Gi0/1" means
	// "interface GigabitEthernet0/1", as the device prints it.
	InterfaceNames []string
}

// Setting is a single-valued setting: lines matching Key (a word pattern)
// replace each other, except lines whose last word is Unless ("ip address
// ... secondary" adds an address instead of replacing the primary one).
type Setting struct {
	Key    string
	Unless string
}

// ErrPlatform is returned by DialectFor for a platform without a dialect.
var ErrPlatform = errors.New("configtree: no dialect for platform")

// DialectFor returns the dialect of a platform known to netrun; "" is
// cisco_iosxe, the default platform of a device.
func DialectFor(platform string) (Dialect, error) {
	if platform == "" {
		platform = "cisco_iosxe"
	}
	d, ok := dialects[platform]
	if !ok {
		return Dialect{}, fmt.Errorf("%w %q (known: %s)", ErrPlatform, platform, strings.Join(dialectNames(), ", "))
	}
	return d, nil
}

func dialectNames() []string {
	names := make([]string, 0, len(dialects))
	for n := range dialects {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Lines common to the running configurations of Cisco-like platforms that
// are not configuration. "ntp clock-period" is rewritten by IOS as the clock
// drifts: left in, two reads of an unchanged device would differ.
var ciscoIgnore = []string{
	`^\s*!`,
	`^end$`,
	`^\s*exit$`,
	`^\s*exit-address-family$`,
	`^Building configuration`,
	`^Current configuration\s*:`,
	`^Last configuration change`,
	`^NVRAM config last updated`,
	`^version \S+`,
	`^ntp clock-period `,
	`^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d+ \d+:\d+:\d+(\.\d+)? \S+$`,
}

// Settings that hold one value in the sections of Cisco-like platforms.
var ciscoSingleValued = []Setting{
	{Key: "hostname"},
	{Key: "description"},
	{Key: "ip address", Unless: "secondary"},
	{Key: "ip domain name"},
	{Key: "ip domain-name"},
	{Key: "ip default-gateway"},
	{Key: "banner *"},
	{Key: "enable secret"},
	{Key: "enable password"},
	{Key: "mtu"},
	{Key: "ip mtu"},
	{Key: "speed"},
	{Key: "duplex"},
	{Key: "bandwidth"},
	{Key: "encapsulation"},
	{Key: "switchport mode"},
	{Key: "switchport access vlan"},
	{Key: "vrf forwarding"},
	{Key: "vrf member"},
	{Key: "ip ospf cost"},
	{Key: "router-id"},
	{Key: "bgp router-id"},
	{Key: "clock timezone"},
	{Key: "logging buffered"},
	{Key: "logging source-interface"},
	{Key: "ntp source"},
	{Key: "snmp-server location"},
	{Key: "snmp-server contact"},
	{Key: "spanning-tree mode"},
	{Key: "ip ssh version"},
	{Key: "exec-timeout"},
	{Key: "transport input"},
	{Key: "login authentication"},
}

var ciscoNegateKey = []string{
	"hostname", "description", "banner *", "enable secret", "enable password",
	"username *", "ip domain name", "ip domain-name", "ip default-gateway",
	"mtu", "ip mtu", "speed", "duplex", "bandwidth", "clock timezone",
	"logging buffered", "logging source-interface", "ntp source",
	"snmp-server location", "snmp-server contact", "snmp-server community *",
	"exec-timeout", "router-id", "bgp router-id", "ip ospf cost",
	"spanning-tree mode", "switchport access vlan", "switchport mode",
}

var ciscoSectionHeads = []string{
	"interface", "router", "line", "ip access-list", "ipv6 access-list",
	"vlan", "vrf", "class-map", "policy-map", "class", "route-map",
	"address-family", "key chain", "key", "controller", "ip dhcp pool",
	"aaa group", "crypto", "archive", "control-plane", "redundancy", "track",
	"object-group", "ip sla", "parameter-map", "spanning-tree mst configuration",
	"monitor session", "template", "flow", "event manager applet",
	"ip vrf", "ipv6 router",
}

var dialects = map[string]Dialect{
	"cisco_iosxe": iosDialect("cisco_iosxe"),
	"cisco_ios":   iosDialect("cisco_ios"),
	"cisco_nxos": {
		Name: "cisco_nxos", Style: Indented, Ignore: ciscoIgnore,
		Negate: "no ", ExitSection: "exit",
		SingleValued: ciscoSingleValued, NegateKey: ciscoNegateKey,
		NegatedShown: []string{"shutdown", "switchport", "ip redirects", "ipv6 redirects",
			"ip domain-lookup"},
		DefaultOn:      []string{"ip redirects", "ipv6 redirects", "ip domain-lookup"},
		SectionHeads:   ciscoSectionHeads,
		InterfaceNames: []string{"Ethernet", "loopback", "port-channel", "Vlan", "mgmt", "nve", "Tunnel"},
	},
	"arista_eos": {
		Name: "arista_eos", Style: Indented, Ignore: ciscoIgnore,
		Negate: "no ", ExitSection: "exit",
		SingleValued: ciscoSingleValued, NegateKey: ciscoNegateKey,
		NegatedShown: []string{"switchport", "ip routing", "aaa root", "ipv6 routing"},
		DefaultOn:    []string{"switchport"},
		SectionHeads: append([]string{"management", "daemon", "mlag configuration"}, ciscoSectionHeads...),
		BannerEnd:    "EOF",
		InterfaceNames: []string{"Ethernet", "Loopback", "Port-Channel", "Vlan", "Management",
			"Vxlan", "Tunnel"},
	},
	"cisco_iosxr": {
		Name: "cisco_iosxr", Style: Indented, Ignore: ciscoIgnore,
		Negate: "no ", ExitSection: "exit",
		SingleValued: ciscoSingleValued, NegateKey: ciscoNegateKey,
		SectionHeads: append([]string{"neighbor", "area", "prefix-set", "route-policy",
			"community-set", "as-path-set", "ssh server$", "telnet$", "ntp$", "logging$", "snmp-server$",
			"domain$", "multicast-routing", "mpls", "l2vpn", "evpn", "bridge group", "bridge-domain"},
			ciscoSectionHeads...),
		InterfaceNames: []string{"GigabitEthernet", "TenGigE", "TwentyFiveGigE", "FortyGigE",
			"HundredGigE", "Bundle-Ether", "Loopback", "MgmtEth", "tunnel-ip", "BVI"},
	},
	"juniper_junos": {
		Name: "juniper_junos", Style: SetLines,
		Ignore: []string{
			`^#`, `^set version `, `^version `,
			`^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d+ \d+:\d+:\d+(\.\d+)? \S+$`,
			`^\{(master|backup|primary|linecard)`,
			`^\[edit`,
		},
		Set: "set ", Negate: "delete ",
		SingleValued: []Setting{
			{Key: "system host-name"},
			{Key: "system domain-name"},
			{Key: "system time-zone"},
			{Key: "system root-authentication encrypted-password"},
			{Key: "system login user * authentication encrypted-password"},
			{Key: "system login user * class"},
			{Key: "interfaces * description"},
			{Key: "interfaces * mtu"},
			{Key: "interfaces * speed"},
			{Key: "interfaces * unit * description"},
			{Key: "interfaces * unit * vlan-id"},
			{Key: "routing-options router-id"},
			{Key: "routing-options autonomous-system"},
			{Key: "snmp location"},
			{Key: "snmp contact"},
			{Key: "protocols ospf area * interface * metric"},
		},
		NegateKey: []string{
			"system host-name", "system domain-name", "system time-zone",
			"interfaces * description", "interfaces * mtu", "interfaces * speed",
			"interfaces * unit * description", "routing-options router-id",
			"snmp location", "snmp contact",
		},
		SectionWords: 2,
	},
}

// Settings IOS has on by default and shows only as "no X".
var iosDefaultOn = []string{"ip domain lookup", "ip domain-lookup",
	"ip http server", "ip http secure-server", "service pad", "cdp run",
	"ip source-route", "ip bootp server", "ip routing", "ip redirects",
	"ip unreachables", "ip proxy-arp", "mop enabled", "ip cef", "logging console"}

func iosDialect(name string) Dialect {
	return Dialect{
		Name: name, Style: Indented, Ignore: ciscoIgnore,
		Negate: "no ", ExitSection: "exit",
		SingleValued: ciscoSingleValued, NegateKey: ciscoNegateKey,
		NegatedShown: append([]string{"ip address", "aaa new-model", "service config", "lldp run"}, iosDefaultOn...),
		DefaultOn:    iosDefaultOn,
		SectionHeads: ciscoSectionHeads,
		InterfaceNames: []string{"GigabitEthernet", "FastEthernet", "TenGigabitEthernet",
			"TwoGigabitEthernet", "TwentyFiveGigE", "FortyGigabitEthernet", "HundredGigE",
			"Ethernet", "Loopback", "Port-channel", "Vlan", "Tunnel", "Serial", "BDI",
			"Management", "AppGigabitEthernet"},
	}
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
	for _, l := range [][]string{d.Ignore, d.NegateKey, d.NegatedShown, d.DefaultOn, d.SectionHeads, d.InterfaceNames} {
		for _, s := range l {
			w(s)
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

// canonicalInterface expands an abbreviated interface name in an
// "interface NAME" line the way the device would print it.
func (r *rules) canonicalInterface(line string) string {
	const kw = "interface "
	if r.d.Style != Indented || !strings.HasPrefix(line, kw) {
		return line
	}
	name := line[len(kw):]
	i := strings.IndexAny(name, "0123456789")
	if i <= 0 || strings.ContainsAny(name[:i], " \t") {
		return line
	}
	typ := name[:i]
	for _, full := range r.d.InterfaceNames {
		if len(typ) <= len(full) && strings.EqualFold(full[:len(typ)], typ) {
			return kw + full + name[i:]
		}
	}
	return line
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
