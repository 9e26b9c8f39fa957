package device

import (
	"sort"
	"strings"
)

// The Junos configuration: a tree of statements that set and delete edit
// by path. A path is words: a container keyword ("system"), a keyword and
// a name ("unit 0", "community public"), a name under a container of
// names ("interfaces ge-0/0/1"), and at the end a leaf statement
// ("host-name r1", "server 10.0.0.1 prefer"). Leaves with the same key
// replace each other (one host-name, one description; one "server X" per
// address). Known containers check their statements; unknown top-level
// statements are a syntax error.

// jstmt is one statement of the hierarchy: a leaf ("host-name r1") or a
// container with statements inside.
type jstmt struct {
	name string
	kids []*jstmt
	leaf bool
}

func (s *jstmt) clone() *jstmt {
	c := &jstmt{name: s.name, leaf: s.leaf}
	for _, k := range s.kids {
		c.kids = append(c.kids, k.clone())
	}
	return c
}

// junosTop ranks the top-level statements in the order Junos prints them.
var junosTop = map[string]int{
	"groups": 1, "apply-groups": 2, "system": 10, "chassis": 20, "services": 25, "security": 27,
	"interfaces": 30, "snmp": 40, "forwarding-options": 45, "event-options": 46, "routing-options": 50,
	"protocols": 60, "policy-options": 70, "class-of-service": 75, "firewall": 80, "access": 82,
	"routing-instances": 85, "bridge-domains": 87, "vlans": 90, "switch-options": 91,
	"virtual-chassis": 92, "poe": 93, "ethernet-switching-options": 94, "applications": 95,
}

func wordSet(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

var (
	// jNames: containers whose statements are names (interfaces ge-0/0/1).
	jNames = wordSet("interfaces", "vlans", "routing-instances", "groups", "bridge-domains")
	// jNamed: keywords followed by a name that form a container.
	jNamed = wordSet("unit", "family", "community", "area", "route", "group", "neighbor", "user",
		"host", "file", "policy-statement", "term", "filter", "prefix-list", "interface", "trap-group",
		"instance", "zone", "security-zone", "policy", "address-book", "class", "scheduler")
	// jPlain: containers without a name.
	jPlain = wordSet("system", "ntp", "services", "ssh", "netconf", "syslog", "login",
		"root-authentication", "snmp", "protocols", "ospf", "ospf3", "bgp", "lldp", "rstp", "mstp",
		"isis", "mpls", "rsvp", "ldp", "routing-options", "static", "policy-options", "firewall",
		"chassis", "security", "forwarding-options", "class-of-service", "aggregated-devices",
		"ethernet", "gigether-options", "ether-options", "from", "then", "web-management", "archival",
		"configuration", "dhcp", "dhcp-local-server", "inet", "inet6", "vlan", "pim", "igmp", "bfd")
	// jMulti: leaves identified by their first two words.
	jMulti = wordSet("server", "peer", "address", "name-server", "interface", "next-hop", "member",
		"members", "boot-server", "trusted-key", "authentication-key", "domain-search", "host",
		"community", "prefix", "route-filter", "local-address", "export", "import")
	// jAllowed: the statements some containers know, by path of kinds.
	jAllowed = map[string]map[string]bool{
		"system": wordSet("host-name", "domain-name", "domain-search", "name-server", "ntp", "services",
			"syslog", "login", "root-authentication", "time-zone", "location", "radius-server",
			"tacplus-server", "authentication-order", "archival", "commit", "max-configurations-on-flash",
			"ports", "processes", "static-host-mapping", "backup-router", "internet-options",
			"no-redirects", "arp", "scripts", "configuration-database", "management-instance"),
		"system/ntp": wordSet("server", "peer", "boot-server", "source-address", "authentication-key",
			"trusted-key", "broadcast", "multicast", "threshold"),
		"snmp": wordSet("community", "location", "contact", "description", "trap-group", "trap-options",
			"v3", "view", "client-list", "interface", "name", "engine-id", "filter-interfaces"),
		"interfaces/*": wordSet("description", "disable", "unit", "mtu", "speed", "link-mode",
			"gigether-options", "ether-options", "vlan-tagging", "flexible-vlan-tagging", "encapsulation",
			"native-vlan-id", "mac", "aggregated-ether-options", "hold-time", "traceoptions", "enable",
			"per-unit-scheduler", "no-traps", "traps"),
		"interfaces/*/unit": wordSet("family", "description", "vlan-id", "disable", "encapsulation",
			"vlan-tags", "no-traps", "traps", "bandwidth", "enable"),
		"interfaces/*/unit/family": wordSet("address", "filter", "mtu", "dhcp", "dhcp-client",
			"interface-mode", "vlan", "no-redirects", "sampling", "policer", "rpf-check", "primary",
			"preferred"),
	}
)

// jword is a word of a set or delete line, unquoted, and where it starts.
type jword struct {
	s   string
	pos int
}

// jtokens splits a line into words, a double-quoted string being one.
func jtokens(line string, base int) []jword {
	var out []jword
	for i := 0; i < len(line); {
		switch {
		case line[i] == ' ' || line[i] == '\t':
			i++
		case line[i] == '"':
			j := strings.IndexByte(line[i+1:], '"')
			if j < 0 {
				j = len(line) - i - 1
			}
			out = append(out, jword{line[i+1 : i+1+j], base + i})
			i += j + 2
		default:
			j := strings.IndexAny(line[i:], " \t")
			if j < 0 {
				j = len(line) - i
			}
			out = append(out, jword{line[i : i+j], base + i})
			i += j
		}
	}
	return out
}

func joinQuoted(ws []jword) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = junosQuote(w.s)
	}
	return strings.Join(parts, " ")
}

func junosQuote(s string) string {
	if s == "" || strings.ContainsAny(s, " \t;{}#\"$") {
		return `"` + s + `"`
	}
	return s
}

// leafKey is what identifies a leaf among its siblings.
func leafKey(name string) string {
	w := strings.Fields(name)
	if len(w) >= 2 && jMulti[w[0]] {
		return w[0] + " " + w[1]
	}
	if len(w) == 0 {
		return name
	}
	return w[0]
}

func (s *jstmt) child(name string) *jstmt {
	for _, k := range s.kids {
		if !k.leaf && k.name == name {
			return k
		}
	}
	return nil
}

// container returns the container child name, creating it (and dropping
// a leaf of the same name, which it supersedes).
func (s *jstmt) container(name string, top bool) *jstmt {
	if k := s.child(name); k != nil {
		return k
	}
	out := s.kids[:0]
	for _, k := range s.kids {
		if !(k.leaf && k.name == name) {
			out = append(out, k)
		}
	}
	s.kids = out
	k := &jstmt{name: name}
	s.kids = append(s.kids, k)
	switch {
	case top:
		sort.SliceStable(s.kids, func(a, b int) bool { return junosRank(s.kids[a].name) < junosRank(s.kids[b].name) })
	case s.name == "interfaces":
		sort.SliceStable(s.kids, func(a, b int) bool { return lessIfName(s.kids[a].name, s.kids[b].name) })
	}
	return k
}

func junosRank(name string) int {
	if r, ok := junosTop[strings.Fields(name + " x")[0]]; ok {
		return r
	}
	return 99
}

// setLeaf sets a leaf, replacing the one with its key.
func (s *jstmt) setLeaf(name string) {
	if s.child(name) != nil {
		return // a container says as much
	}
	key := leafKey(name)
	for _, k := range s.kids {
		if k.leaf && leafKey(k.name) == key {
			k.name = name
			return
		}
	}
	s.addLeaf(name)
}

// addLeaf adds a leaf after the other leaves, before the containers, as
// Junos prints statements before blocks.
func (s *jstmt) addLeaf(name string) {
	at := len(s.kids)
	for i, k := range s.kids {
		if !k.leaf {
			at = i
			break
		}
	}
	s.kids = append(s.kids[:at], append([]*jstmt{{name: name, leaf: true}}, s.kids[at:]...)...)
}

// junosStep resolves the next part of a path at s: the node name it
// names, how many words it takes, and whether it is a container.
func junosStep(s *jstmt, ws []jword) (name string, n int, container bool) {
	w := ws[0].s
	switch {
	case jNames[s.name] && len(ws) >= 2:
		return junosQuote(w), 1, true
	case jNamed[w] && len(ws) >= 3:
		return w + " " + junosQuote(ws[1].s), 2, true
	case (jPlain[w] || jNames[w]) && len(ws) >= 2:
		return w, 1, true
	}
	return joinQuoted(ws), len(ws), false
}

// jsetPath applies "set" words to the tree; bad is the position of the
// word that is not known there, or -1.
func jsetPath(root *jstmt, ws []jword) (bad int) {
	if len(ws) == 0 {
		return 0
	}
	if _, ok := junosTop[ws[0].s]; !ok {
		return ws[0].pos
	}
	if len(ws) == 1 {
		return len(ws[0].s) + ws[0].pos
	}
	cur, kind := root, ""
	for len(ws) > 0 {
		if allowed := jAllowed[kind]; allowed != nil && !allowed[ws[0].s] {
			return ws[0].pos
		}
		name, n, cont := junosStep(cur, ws)
		if !cont {
			cur.setLeaf(name)
			return -1
		}
		part := ws[0].s
		if jNames[cur.name] && cur != root {
			part = "*"
		}
		if kind == "" {
			kind = part
		} else {
			kind += "/" + part
		}
		cur = cur.container(name, cur == root)
		ws = ws[n:]
	}
	return -1
}

// jdeletePath removes what the words name: a container, a leaf, or the
// leaves with that key. It reports whether anything was removed.
func jdeletePath(s *jstmt, ws []jword) bool {
	if len(ws) == 0 {
		return false
	}
	whole := joinQuoted(ws)
	removed := false
	out := s.kids[:0]
	for _, k := range s.kids {
		if k.name == whole || (k.leaf && (leafKey(k.name) == whole || hasKey(k.name, whole))) {
			removed = true
			continue
		}
		out = append(out, k)
	}
	s.kids = out
	if removed {
		return true
	}
	name, n, cont := junosStep(s, ws)
	if !cont {
		return false
	}
	k := s.child(name)
	if k == nil {
		return false
	}
	if !jdeletePath(k, ws[n:]) {
		return false
	}
	if len(k.kids) == 0 {
		s.removeKid(k)
	}
	return true
}

// prune removes empty containers a rejected set left behind.
func (s *jstmt) prune() {
	out := s.kids[:0]
	for _, k := range s.kids {
		if !k.leaf {
			k.prune()
			if len(k.kids) == 0 {
				continue
			}
		}
		out = append(out, k)
	}
	s.kids = out
}

func (s *jstmt) removeKid(k *jstmt) {
	out := s.kids[:0]
	for _, x := range s.kids {
		if x != k {
			out = append(out, x)
		}
	}
	s.kids = out
}

// find walks a path of node names.
func (s *jstmt) find(path ...string) *jstmt {
	cur := s
	for _, p := range path {
		if cur = cur.child(p); cur == nil {
			return nil
		}
	}
	return cur
}

// leafValue is the value of the leaf with this key, unquoted.
func (s *jstmt) leafValue(key string) (string, bool) {
	if s == nil {
		return "", false
	}
	for _, k := range s.kids {
		if k.leaf && hasKey(k.name, key) {
			return strings.Trim(strings.TrimSpace(strings.TrimPrefix(k.name, key)), `"`), true
		}
	}
	return "", false
}

// syncHost takes the hostname from system host-name.
func (m *model) syncHost() {
	if h, ok := m.junos.find("system").leafValue("host-name"); ok && h != "" {
		m.hostname = h
	}
}

// junosEdit runs a set or delete on the candidate.
func (m *model) junosEdit(del bool, ws []jword) (bad int, found bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if del {
		found = jdeletePath(m.junos, ws)
		if found && len(ws) >= 2 && ws[0].s == "system" && ws[1].s == "host-name" {
			m.hostname = "Router"
		}
		m.syncHost()
		return -1, found
	}
	if bad = jsetPath(m.junos, ws); bad >= 0 {
		m.junos.prune()
	}
	m.syncHost()
	return bad, true
}

func jSet(c *cli, in input) string {
	ws := jtokens(in.args[0], in.pos[0])
	if bad, _ := c.cfg().junosEdit(false, ws); bad >= 0 {
		return c.inst.plat.errText(c, parsed{err: errInvalid, at: bad}, c.curLine)
	}
	return ""
}

func jDelete(c *cli, in input) string {
	ws := jtokens(in.args[0], in.pos[0])
	if len(ws) > 0 {
		if _, ok := junosTop[ws[0].s]; !ok {
			return c.inst.plat.errText(c, parsed{err: errInvalid, at: ws[0].pos}, c.curLine)
		}
	}
	if _, found := c.cfg().junosEdit(true, ws); !found {
		return "warning: statement not found\n"
	}
	return ""
}

// junosSet is "show configuration | display set".
func (m *model) junosSet() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return "set version " + m.plat.version + "\n" + m.junos.setForm()
}

// junosIfaces derives the interfaces the show commands list: the
// chassis's ports and every configured interface.
func junosIfaces(m *model) []iface {
	ifs := m.junos.find("interfaces")
	names := map[string]bool{}
	for _, n := range m.plat.ifNumbers {
		names[m.plat.ifPrefix+n] = true
	}
	if ifs != nil {
		for _, k := range ifs.kids {
			names[strings.Fields(k.name + " x")[0]] = true
		}
	}
	var out []iface
	for name := range names {
		i := iface{name: name, physical: strings.HasPrefix(name, m.plat.ifPrefix), method: "unset"}
		if ifs != nil {
			if k := ifs.child(name); k != nil {
				i.desc, _ = k.leafValue("description")
				_, i.shutdown = k.leafValue("disable")
				if a, ok := k.find("unit 0", "family inet").leafValue("address"); ok {
					i.addr, i.mask, _ = parseCIDR(strings.Fields(a + " x")[0])
				}
			}
		}
		out = append(out, i)
	}
	sort.Slice(out, func(a, b int) bool { return lessIfName(out[a].name, out[b].name) })
	return out
}

// parseCurly reads the brace form into the tree.
func parseCurly(root *jstmt, text string) error {
	stack := []*jstmt{root}
	for n, raw := range strings.Split(text, "\n") {
		l := strings.TrimSpace(raw)
		if i := strings.Index(l, " ## "); i >= 0 && !strings.Contains(l, `"`) {
			l = strings.TrimSpace(l[:i])
		}
		cur := stack[len(stack)-1]
		switch {
		case l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "/*"):
		case strings.HasPrefix(l, "version ") && cur == root:
		case l == "}":
			if len(stack) == 1 {
				return lineErr(n, "unbalanced }")
			}
			stack = stack[:len(stack)-1]
		case strings.HasSuffix(l, "{"):
			name := strings.TrimSpace(strings.TrimSuffix(l, "{"))
			stack = append(stack, cur.container(name, cur == root))
		case strings.HasSuffix(l, ";"):
			cur.addLeaf(strings.TrimSuffix(l, ";"))
		default:
			return lineErr(n, "statement without ; or {: "+l)
		}
	}
	if len(stack) != 1 {
		return lineErr(0, "unbalanced {")
	}
	return nil
}
