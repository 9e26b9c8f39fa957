package sim

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

// iface is one interface of the running config.
type iface struct {
	name     string
	desc     string
	addr     string
	mask     string
	method   string // show ip interface brief's Method column
	shutdown bool
	physical bool
}

// section is a configuration block with a header ("line vty 0 4",
// "router ospf 1") and indented lines.
type section struct {
	header string
	lines  []string
}

// set replaces the line that starts with key (whole words), or appends line.
func (s *section) set(key, line string) {
	for i, l := range s.lines {
		if hasKey(l, key) {
			s.lines[i] = line
			return
		}
	}
	s.lines = append(s.lines, line)
}

// unset removes the lines that start with key (whole words).
func (s *section) unset(key string) {
	out := s.lines[:0]
	for _, l := range s.lines {
		if !hasKey(l, key) {
			out = append(out, l)
		}
	}
	s.lines = out
}

func hasKey(line, key string) bool {
	return line == key || strings.HasPrefix(line, key+" ")
}

// model is one device's running configuration, shared by all its sessions.
type model struct {
	mu       sync.Mutex
	plat     *platform
	hostname string
	enable   string   // the enable secret, kept clear so enable can check it
	globals  section  // top-level one-line commands; header unused
	ifaces   []*iface // kept sorted as IOS lists them
	routers  []*section
	lines    []*section
	banner   string
	reloadAt time.Time // a scheduled reload; zero when none
}

func newModel(d Device, p *platform) *model {
	m := &model{plat: p, hostname: d.Hostname, enable: d.Enable}
	if p.name == "cisco_iosxe" || p.name == "cisco_ios" {
		if d.Username != "" {
			m.globals.set("username "+d.Username, "username "+d.Username+" privilege 15 secret 9 "+fakeHash(d.Password))
		}
		m.globals.set("ip domain name", "ip domain name lab.local")
		m.lines = []*section{
			{header: "line con 0", lines: []string{"stopbits 1"}},
			{header: "line vty 0 4", lines: []string{"login local", "transport input ssh"}},
		}
	}
	n := p.ifNumbers
	m.ifaces = []*iface{
		{name: p.loopback, addr: "10.255.255.1", mask: "255.255.255.255", method: "NVRAM"},
		{name: p.ifPrefix + n[0], desc: "uplink to core", addr: "192.168.100.1", mask: "255.255.255.0", method: "NVRAM", physical: true},
		{name: p.ifPrefix + n[1], addr: "10.0.12.1", mask: "255.255.255.0", method: "NVRAM", physical: true},
		{name: p.ifPrefix + n[2], method: "unset", physical: true, shutdown: true},
		{name: p.ifPrefix + n[3], method: "unset", physical: true},
	}
	if p.mgmt != "" {
		m.ifaces = append(m.ifaces, &iface{name: p.mgmt, method: "unset", physical: true})
	}
	m.sortIfaces()
	return m
}

// clone is a deep copy: a candidate configuration (IOS-XR, Junos) that a
// session edits until commit.
func (m *model) clone() *model {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := &model{plat: m.plat, hostname: m.hostname, enable: m.enable, banner: m.banner}
	c.globals.lines = append([]string(nil), m.globals.lines...)
	for _, i := range m.ifaces {
		cp := *i
		c.ifaces = append(c.ifaces, &cp)
	}
	copySections := func(in []*section) []*section {
		out := make([]*section, 0, len(in))
		for _, s := range in {
			out = append(out, &section{header: s.header, lines: append([]string(nil), s.lines...)})
		}
		return out
	}
	c.routers = copySections(m.routers)
	c.lines = copySections(m.lines)
	return c
}

// commit makes the candidate the running configuration.
func (m *model) commit(cand *model) {
	c := cand.clone()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.hostname, m.enable, m.banner = c.hostname, c.enable, c.banner
	m.globals, m.ifaces, m.routers, m.lines = c.globals, c.ifaces, c.routers, c.lines
}

func (m *model) host() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.hostname
}

func (m *model) setHost(h string) {
	m.mu.Lock()
	m.hostname = h
	m.mu.Unlock()
}

func (m *model) enableSecret() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.enable
}

func (m *model) setEnable(secret string) {
	m.mu.Lock()
	m.enable = secret
	m.mu.Unlock()
}

func (m *model) setBanner(b string) {
	m.mu.Lock()
	m.banner = b
	m.mu.Unlock()
}

func (m *model) motd() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.banner
}

// setGlobal replaces the top-level line starting with key, or adds line.
func (m *model) setGlobal(key, line string) {
	m.mu.Lock()
	m.globals.set(key, line)
	m.mu.Unlock()
}

func (m *model) unsetGlobal(key string) {
	m.mu.Lock()
	m.globals.unset(key)
	m.mu.Unlock()
}

// lookupIface returns whether the interface exists.
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

// editIface applies fn to the named interface, creating it first if needed.
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
			*i = iface{name: name, method: "unset", physical: true}
			return
		}
		m.ifaces = append(m.ifaces[:k], m.ifaces[k+1:]...)
		return
	}
}

func (m *model) snapshotIfaces() []iface {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]iface, len(m.ifaces))
	for k, i := range m.ifaces {
		out[k] = *i
	}
	return out
}

// editSection applies fn to the line or router section with this header,
// creating it if needed.
func (m *model) editSection(header string, fn func(*section)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	list := &m.routers
	if strings.HasPrefix(header, "line ") {
		list = &m.lines
	}
	for _, s := range *list {
		if s.header == header {
			fn(s)
			return
		}
	}
	s := &section{header: header}
	*list = append(*list, s)
	fn(s)
}

func (m *model) removeSection(header string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.routers[:0]
	for _, s := range m.routers {
		if s.header != header {
			out = append(out, s)
		}
	}
	m.routers = out
}

// IOS lists interfaces by type, then by number; loopbacks come first.
var ifTypeOrder = map[string]int{
	"Loopback": 0, "Tunnel": 1, "Port-channel": 2, "FastEthernet": 3, "GigabitEthernet": 4,
	"TenGigabitEthernet": 5, "Ethernet": 6, "Serial": 7, "Vlan": 8,
	"loopback": 0, "port-channel": 2, "Port-Channel": 2, "Management": 9, "mgmt": 10,
	"MgmtEth": 3, "Bundle-Ether": 2, "TenGigE": 5, "ge-": 4, "xe-": 5, "lo": 20,
}

func (m *model) sortIfaces() {
	sort.SliceStable(m.ifaces, func(a, b int) bool {
		ta, na := splitIfName(m.ifaces[a].name)
		tb, nb := splitIfName(m.ifaces[b].name)
		if ta != tb {
			return ifTypeOrder[ta] < ifTypeOrder[tb]
		}
		return lessNumbers(na, nb)
	})
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
		return strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '.' })
	}
	pa, pb := split(a), split(b)
	for k := 0; k < len(pa) && k < len(pb); k++ {
		x, _ := strconv.Atoi(pa[k])
		y, _ := strconv.Atoi(pb[k])
		if x != y {
			return x < y
		}
	}
	return len(pa) < len(pb)
}

// Top-level lines are shown in IOS's order, not the order they were typed.
func globalRank(line string) int {
	switch {
	case strings.HasPrefix(line, "username "):
		return 10
	case strings.HasPrefix(line, "ip domain "):
		return 20
	case strings.HasPrefix(line, "ip route "):
		return 60
	case strings.HasPrefix(line, "logging "):
		return 70
	case strings.HasPrefix(line, "snmp-server "):
		return 80
	case strings.HasPrefix(line, "ntp "):
		return 95
	}
	return 50
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

// globalsSorted are the top-level lines in IOS's order.
func (m *model) globalsSorted() []string {
	globals := append([]string(nil), m.globals.lines...)
	sort.SliceStable(globals, func(a, c int) bool { return globalRank(globals[a]) < globalRank(globals[c]) })
	return globals
}

// renderIOS writes the running config the way IOS shows it after the
// "Current configuration" line.
func renderIOS(m *model, b *strings.Builder) {
	w := func(lines ...string) {
		for _, l := range lines {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	globals := m.globalsSorted()
	rank := func(lo, hi int) {
		any := false
		for _, g := range globals {
			if r := globalRank(g); r >= lo && r < hi {
				w(g)
				any = true
			}
		}
		if any {
			w("!")
		}
	}

	w("!", "version "+m.plat.version,
		"service timestamps debug datetime msec",
		"service timestamps log datetime msec",
		"!",
		"hostname "+m.hostname,
		"!",
		"boot-start-marker",
		"boot-end-marker",
		"!")
	if m.enable != "" {
		w("enable secret 9 "+fakeHash(m.enable), "!")
	}
	w("no aaa new-model", "!")
	rank(0, 50)
	for _, i := range m.ifaces {
		w("interface " + i.name)
		if i.desc != "" {
			w(" description " + i.desc)
		}
		if i.addr != "" {
			w(" ip address " + i.addr + " " + i.mask)
		} else {
			w(" no ip address")
		}
		if i.shutdown {
			w(" shutdown")
		}
		if i.physical && m.plat.name == "cisco_iosxe" {
			w(" negotiation auto")
		}
		w("!")
	}
	for _, s := range m.routers {
		w(s.header)
		for _, l := range s.lines {
			w(" " + l)
		}
		w("!")
	}
	w("ip forward-protocol nd", "no ip http server", "no ip http secure-server", "!")
	rank(50, 90)
	if m.banner != "" {
		w("banner motd ^C", strings.TrimRight(m.banner, "\n"), "^C", "!")
	}
	for _, s := range m.lines {
		w(s.header)
		for _, l := range s.lines {
			w(" " + l)
		}
	}
	w("!")
	rank(90, 100)
	w("end")
}

// fakeHash stands in for IOS's type-9 scrypt hash: stable for a secret, so
// the config is deterministic, and never the secret itself.
func fakeHash(secret string) string {
	sum := sha256.Sum256([]byte("netrun-sim:" + secret))
	enc := base64.RawStdEncoding.EncodeToString(sum[:])
	return "$9$" + enc[:14] + "$" + enc[14:]
}

var ifNumberRE = regexp.MustCompile(`^\d+(/\d+)*$`)

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
