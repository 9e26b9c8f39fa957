package device

import (
	"crypto/sha256"
	"encoding/base64"
	"net"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The running configuration is a tree of lines. On the IOS family (IOS,
// IOS-XE, NX-OS, IOS-XR, EOS) it is the hostname, the enable secret and the
// banner, which the CLI itself needs, the interfaces (the chassis's ports
// always exist), and every other top-level line or section as a cnode, in
// the order it was configured; rendering sorts the top level by a rank
// that puts each kind of line where the device prints it. On Junos it is a
// tree of statements (jstmt). Nothing of it is interpreted beyond what the
// show commands need (an interface's description, address and shutdown).

// cnode is one line of the configuration and the lines indented under it.
type cnode struct {
	text string
	kids []*cnode
}

func (n *cnode) clone() *cnode {
	c := &cnode{text: n.text}
	if n.kids != nil {
		c.kids = cloneNodes(n.kids)
	}
	return c
}

func cloneNodes(in []*cnode) []*cnode {
	out := make([]*cnode, len(in))
	for i, n := range in {
		out[i] = n.clone()
	}
	return out
}

func hasKey(line, key string) bool {
	return line == key || strings.HasPrefix(line, key+" ")
}

// setLine replaces the first line whose key is key (whole words) with line
// and drops any other such line; with none, line is appended. An empty key
// means the whole line: it is added unless already there.
func setLine(list *[]*cnode, key, line string) {
	if key == "" {
		key = line
	}
	out := (*list)[:0]
	done := false
	for _, n := range *list {
		if hasKey(n.text, key) {
			if done {
				continue
			}
			n.text, done = line, true
		}
		out = append(out, n)
	}
	if !done {
		out = append(out, &cnode{text: line})
	}
	*list = out
}

// unsetLine is "no": with a key, it removes the lines with that key;
// without, the line that is exactly line, or failing that the lines that
// start with its words ("no spanning-tree mode", "no access-list 10").
func unsetLine(list *[]*cnode, key, line string) {
	match := func(t string) bool { return hasKey(t, key) }
	if key == "" {
		match = func(t string) bool { return t == line }
		found := false
		for _, n := range *list {
			found = found || n.text == line
		}
		if !found {
			match = func(t string) bool { return hasKey(t, line) }
		}
	}
	out := (*list)[:0]
	for _, n := range *list {
		if !match(n.text) {
			out = append(out, n)
		}
	}
	*list = out
}

// findNode returns the node whose text is text.
func findNode(list []*cnode, text string) *cnode {
	for _, n := range list {
		if n.text == text {
			return n
		}
	}
	return nil
}

// iface is one interface of the running config: its lines, and the
// settings the show commands read from them.
type iface struct {
	name     string
	lines    []*cnode
	method   string // show ip interface brief's Method column
	physical bool   // a port of the chassis: "no interface" resets it

	// Derived from lines by derive.
	desc     string
	addr     string
	mask     string
	shutdown bool
}

// derive reads the settings the show commands need from the lines.
func (i *iface) derive() {
	i.desc, i.addr, i.mask, i.shutdown = "", "", "", false
	for _, n := range i.lines {
		w := strings.Fields(n.text)
		switch {
		case len(w) > 1 && w[0] == "description":
			i.desc = strings.TrimPrefix(n.text, "description ")
		case n.text == "shutdown":
			i.shutdown = true
		case len(w) >= 3 && (w[0] == "ip" || w[0] == "ipv4") && w[1] == "address" && w[len(w)-1] != "secondary":
			if a, m, ok := parseCIDR(w[2]); ok {
				i.addr, i.mask = a, m
			} else if len(w) >= 4 {
				i.addr, i.mask = w[2], w[3]
			}
		}
	}
	if i.addr == "" {
		i.method = "unset"
	} else if i.method == "unset" || i.method == "" {
		i.method = "manual"
	}
}

// model is one device's running configuration, shared by all its sessions.
type model struct {
	mu       sync.Mutex
	plat     *platform
	hostname string
	enable   string // the enable secret, kept clear so enable can check it
	// enableHash is what "enable secret 9 ..." shows; "" when none is set.
	enableHash string
	ifaces     []*iface // kept sorted as the platform lists them
	top        []*cnode // every other top-level line and section
	banner     string   // motd text, lines joined by "\n"
	junos      *jstmt   // Junos: the whole configuration
	startup    string   // the saved configuration, as rendered
	reloadAt   time.Time
}

// newModel is the device's chassis with no configuration at all.
func newModel(d Device, p *platform) *model {
	m := &model{plat: p, hostname: d.Hostname}
	if p.name == "juniper_junos" {
		m.junos = &jstmt{}
		return m
	}
	for _, n := range p.ifNumbers {
		m.ifaces = append(m.ifaces, &iface{name: p.ifPrefix + n, method: "unset", physical: true, lines: chassisLines(p)})
	}
	if p.mgmt != "" {
		m.ifaces = append(m.ifaces, &iface{name: p.mgmt, method: "unset", physical: true})
	}
	m.sortIfaces()
	return m
}

// chassisLines are the lines a physical port has before any configuration:
// IOS-XE's "negotiation auto" (which "no negotiation auto" removes).
func chassisLines(p *platform) []*cnode {
	if p.name == "cisco_iosxe" {
		return []*cnode{{text: "negotiation auto"}}
	}
	return nil
}

// clone is a deep copy: a candidate configuration (IOS-XR, Junos) that a
// session edits until commit.
func (m *model) clone() *model {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cloneLocked()
}

func (m *model) cloneLocked() *model {
	c := &model{plat: m.plat, hostname: m.hostname, enable: m.enable, enableHash: m.enableHash,
		banner: m.banner, startup: m.startup}
	for _, i := range m.ifaces {
		cp := *i
		cp.lines = cloneNodes(i.lines)
		c.ifaces = append(c.ifaces, &cp)
	}
	c.top = cloneNodes(m.top)
	if m.junos != nil {
		c.junos = m.junos.clone()
	}
	return c
}

// commit makes the candidate the running configuration.
func (m *model) commit(cand *model) {
	c := cand.clone()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.replaceLocked(c)
}

// replaceLocked takes c's configuration (not its startup config or
// scheduled reload).
func (m *model) replaceLocked(c *model) {
	m.hostname, m.enable, m.enableHash, m.banner = c.hostname, c.enable, c.enableHash, c.banner
	m.ifaces, m.top, m.junos = c.ifaces, c.top, c.junos
}

func (m *model) host() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.hostname
}

// locked runs fn under the model's lock.
func (m *model) locked(fn func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fn()
}

func (m *model) setHost(h string) { m.locked(func() { m.hostname = h }) }

func (m *model) enableSecret() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.enable
}

// setEnable sets the enable secret in clear, or with hash "" none.
func (m *model) setEnable(secret string) {
	m.mu.Lock()
	m.enable = secret
	m.enableHash = ""
	if secret != "" {
		m.enableHash = fakeHash(secret)
	}
	m.mu.Unlock()
}

// setEnableHash is "enable secret 9 HASH": the secret itself is unknown
// unless it is the one the hash was made from.
func (m *model) setEnableHash(hash string) {
	m.mu.Lock()
	if m.enable != "" && fakeHash(m.enable) != hash {
		m.enable = ""
	}
	m.enableHash = hash
	m.mu.Unlock()
}

func (m *model) setBanner(b string) { m.locked(func() { m.banner = b }) }

func (m *model) motd() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.banner
}

// editTop applies fn to the top-level lines.
func (m *model) editTop(fn func(list *[]*cnode)) { m.locked(func() { fn(&m.top) }) }

// setGlobal replaces the top-level line starting with key, or adds line.
func (m *model) setGlobal(key, line string) {
	m.editTop(func(l *[]*cnode) { setLine(l, key, line) })
}

func (m *model) unsetGlobal(key string) {
	m.editTop(func(l *[]*cnode) { unsetLine(l, key, key) })
}

func (m *model) hasIface(name string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.find(name) != nil
}

func (m *model) find(name string) *iface {
	for _, i := range m.ifaces {
		if i.name == name {
			return i
		}
	}
	return nil
}

// editIface applies fn to the named interface's lines, creating it first
// if needed.
func (m *model) editIface(name string, fn func(*iface)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := m.find(name)
	if i == nil {
		i = &iface{name: name, method: "unset"}
		m.ifaces = append(m.ifaces, i)
		m.sortIfaces()
	}
	fn(i)
	i.derive()
}

// removeIface deletes a virtual interface; a physical one is reset to
// defaults, since it cannot disappear from the chassis.
func (m *model) removeIface(name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, i := range m.ifaces {
		if i.name != name {
			continue
		}
		if i.physical {
			*i = iface{name: name, method: "unset", physical: true, lines: chassisLines(m.plat)}
			return
		}
		m.ifaces = append(m.ifaces[:k], m.ifaces[k+1:]...)
		return
	}
}

func (m *model) snapshotIfaces() []iface {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.junos != nil {
		return junosIfaces(m)
	}
	out := make([]iface, len(m.ifaces))
	for k, i := range m.ifaces {
		out[k] = *i
		out[k].lines = nil
	}
	return out
}

// editSection applies fn to the top-level section with this header,
// creating it (at the end) if needed.
func (m *model) editSection(header string, fn func(*cnode)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := findNode(m.top, header)
	if s == nil {
		s = &cnode{text: header}
		m.top = append(m.top, s)
	}
	fn(s)
}

func (m *model) removeSection(header string) {
	m.editTop(func(l *[]*cnode) {
		out := (*l)[:0]
		for _, s := range *l {
			if s.text != header {
				out = append(out, s)
			}
		}
		*l = out
	})
}

// IOS lists interfaces by type, then by number; loopbacks come first.
var ifTypeOrder = map[string]int{
	"Loopback": 0, "Tunnel": 1, "Port-channel": 2, "FastEthernet": 3, "GigabitEthernet": 4,
	"TenGigabitEthernet": 5, "Ethernet": 6, "Serial": 7, "Vlan": 8,
	"loopback": 0, "port-channel": 2, "Port-Channel": 2, "Management": 9, "mgmt": 10,
	"MgmtEth": 3, "Bundle-Ether": 2, "TenGigE": 5, "ge-": 4, "xe-": 5, "lo": 20,
}

func (m *model) sortIfaces() {
	sort.SliceStable(m.ifaces, func(a, b int) bool { return lessIfName(m.ifaces[a].name, m.ifaces[b].name) })
}

func lessIfName(a, b string) bool {
	ta, na := splitIfName(a)
	tb, nb := splitIfName(b)
	if ta != tb {
		oa, ok1 := ifTypeOrder[ta]
		ob, ok2 := ifTypeOrder[tb]
		if !ok1 {
			oa = 30
		}
		if !ok2 {
			ob = 30
		}
		if oa != ob {
			return oa < ob
		}
		return ta < tb
	}
	return lessNumbers(na, nb)
}

func splitIfName(name string) (typ, num string) {
	i := strings.IndexFunc(name, func(r rune) bool { return r >= '0' && r <= '9' })
	if i < 0 {
		return name, ""
	}
	return name[:i], name[i:]
}

// lessNumbers orders "0/10" after "0/2".
func lessNumbers(a, b string) bool {
	split := func(s string) []string {
		return strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '.' || r == ':' })
	}
	pa, pb := split(a), split(b)
	for k := 0; k < len(pa) && k < len(pb); k++ {
		x, e1 := strconv.Atoi(pa[k])
		y, e2 := strconv.Atoi(pb[k])
		if e1 != nil || e2 != nil {
			if pa[k] != pb[k] {
				return pa[k] < pb[k]
			}
			continue
		}
		if x != y {
			return x < y
		}
	}
	return len(pa) < len(pb)
}

// render writes the running config as the platform shows it (IOS: after
// the "Current configuration" line).
func (m *model) render() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	m.plat.render(m, &b)
	return b.String()
}

// fakeHash stands in for IOS's type-9 scrypt hash: stable for a secret, so
// the config is deterministic, and never the secret itself.
func fakeHash(secret string) string {
	sum := sha256.Sum256([]byte("netrun-sim:" + secret))
	enc := base64.RawStdEncoding.EncodeToString(sum[:])
	return "$9$" + enc[:14] + "$" + enc[14:]
}

var ifNumberRE = regexp.MustCompile(`^\d+(/[A-Z]*\d+)*(\.\d+)?$`)

// iosIfTypes are the interface types IOS config mode knows, by full name.
var iosIfTypes = []string{"GigabitEthernet", "TenGigabitEthernet", "FastEthernet", "Ethernet",
	"Loopback", "Tunnel", "Port-channel", "Serial", "Vlan"}

// virtualIf says which types config mode may create.
func virtualIf(typ string) bool {
	for _, v := range []string{"Loopback", "Tunnel", "Port-channel", "Vlan", "Bundle-Ether"} {
		if strings.EqualFold(typ, v) {
			return true
		}
	}
	return false
}

// normalizeIf expands an abbreviated interface name ("gi1", "Gi0/1",
// "lo 0") to IOS's full form. n is how many tokens it used (1 or 2).
func normalizeIf(toks []token) (name string, n int, ok bool) {
	return normalizeIfTypes(toks, iosIfTypes)
}

// normalizeIfTypes is normalizeIf for a platform's own interface types.
func normalizeIfTypes(toks []token, types []string) (name string, n int, ok bool) {
	if len(toks) == 0 {
		return "", 0, false
	}
	t := toks[0].s
	typ, num := splitIfName(t)
	n = 1
	if num == "" && len(toks) > 1 {
		num = toks[1].s
		n = 2
	}
	if typ == "" || !ifNumberRE.MatchString(num) {
		return "", 0, false
	}
	full := ""
	for _, cand := range types {
		if strings.EqualFold(cand, typ) {
			full = cand
			break
		}
		if len(cand) > len(typ) && strings.EqualFold(cand[:len(typ)], typ) {
			if full != "" {
				return "", 0, false // ambiguous: "t" is Tunnel or TenGigabitEthernet
			}
			full = cand
		}
	}
	if full == "" {
		return "", 0, false
	}
	return full + num, n, true
}

// prefixLen turns a dotted mask into a prefix length ("255.255.255.0": 24).
func prefixLen(mask string) int {
	ip := net.ParseIP(mask).To4()
	if ip == nil {
		return 0
	}
	ones, _ := net.IPMask(ip).Size()
	return ones
}

// cidr is the interface address as NX-OS, EOS and Junos show it.
func (i iface) cidr() string { return i.addr + "/" + strconv.Itoa(prefixLen(i.mask)) }

// parseCIDR splits "10.0.0.1/24" into address and dotted mask.
func parseCIDR(s string) (addr, mask string, ok bool) {
	ip, n, err := net.ParseCIDR(s)
	if err != nil || ip.To4() == nil {
		return "", "", false
	}
	return ip.String(), net.IP(n.Mask).String(), true
}
