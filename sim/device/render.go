package device

import (
	"sort"
	"strconv"
	"strings"
)

// How the IOS family prints its running configuration. The top level is
// sorted by topRank (stable: lines of one rank keep the order they were
// configured in), so the same configuration always reads the same, and
// reading a printed configuration back (Device.Config) prints it again
// unchanged.

// Ranks of the top level. Interfaces, the hostname, the enable secret and
// the banner are placed by the renderers at these ranks.
const (
	rankService   = 5
	rankHostname  = 10
	rankBoot      = 15
	rankLogLocal  = 16
	rankEnable    = 20
	rankAAA       = 25
	rankClock     = 27
	rankDNS       = 30
	rankUsername  = 40
	rankSTP       = 45
	rankVlan      = 47
	rankDefault   = 50
	rankInterface = 60
	rankRouter    = 70
	rankIPMisc    = 75
	rankIPRoute   = 76
	rankACL       = 80
	rankACLNum    = 82
	rankLogging   = 85
	rankSNMP      = 88
	rankBanner    = 90
	rankLine      = 95
	rankNTP       = 98
)

// topRank says where a top-level line goes.
func topRank(p *platform, text string) int {
	t := strings.TrimPrefix(text, "no ")
	w := strings.Fields(t)
	if len(w) == 0 {
		return rankDefault
	}
	two := w[0]
	if len(w) > 1 {
		two += " " + w[1]
	}
	if p.name == "arista_eos" {
		switch {
		case two == "aaa root":
			return 1
		case w[0] == "transceiver":
			return 2
		case two == "ip routing":
			return rankIPMisc
		}
	}
	switch {
	case strings.HasPrefix(w[0], "boot"):
		return rankBoot
	case w[0] == "logging" && len(w) > 1 && (w[1] == "host" || w[1] == "server" || w[1] == "trap" || w[1] == "source-interface" || net4(w[1])):
		return rankLogging
	}
	if r, ok := rankByTwo[two]; ok {
		return r
	}
	if r, ok := rankByWord[w[0]]; ok {
		return r
	}
	return rankDefault
}

// The ranks of top-level lines by their first two words (all "ip" or
// "ipv6" ones, so no line is in both tables), and by their first word.
var (
	rankByTwo = map[string]int{
		"ip domain": rankDNS, "ip domain-name": rankDNS, "ip name-server": rankDNS, "ip domain-lookup": rankDNS, "ip dhcp": rankDNS,
		"ip forward-protocol": rankIPMisc, "ip http": rankIPMisc, "ip classless": rankIPMisc, "ip ssh": rankIPMisc, "ip routing": rankIPMisc,
		"ip route":       rankIPRoute,
		"ip access-list": rankACL, "ipv6 access-list": rankACL,
	}
	rankByWord = map[string]int{
		"service": rankService, "feature": rankService,
		"logging":       rankLogLocal,
		"aaa":           rankAAA,
		"clock":         rankClock,
		"username":      rankUsername,
		"spanning-tree": rankSTP,
		"vlan":          rankVlan,
		"router":        rankRouter,
		"access-list":   rankACLNum,
		"snmp-server":   rankSNMP, "snmp": rankSNMP,
		"control-plane": rankSNMP + 1,
		"line":          rankLine,
		"ntp":           rankNTP,
	}
)

func net4(s string) bool {
	_, _, ok := ipv4([]token{{s: s}})
	return ok
}

// item is one entry of the top level in print order.
type item struct {
	rank int
	node *cnode // a line or section
	ifc  *iface
	text []string // fixed lines (hostname, enable, banner)
}

// topItems merges the top-level lines, the interfaces and the fixed lines
// in print order.
func topItems(m *model, fixed ...item) []item {
	items := make([]item, 0, len(m.top)+len(m.ifaces)+len(fixed))
	for _, n := range m.top {
		items = append(items, item{rank: topRank(m.plat, n.text), node: n})
	}
	for _, i := range m.ifaces {
		items = append(items, item{rank: rankInterface, ifc: i})
	}
	items = append(items, fixed...)
	sort.SliceStable(items, func(a, b int) bool { return items[a].rank < items[b].rank })
	return items
}

// ifRank orders the lines of an interface as the platform prints them.
func ifRank(p *platform, text string) int {
	w := strings.Fields(strings.TrimPrefix(text, "no "))
	if len(w) == 0 {
		return 40
	}
	switch w[0] {
	case "description":
		return 0
	case "shutdown":
		if p.name == "arista_eos" {
			return 5
		}
		return 50
	case "switchport":
		return 10
	case "encapsulation":
		return 12
	case "vrf":
		return 14
	case "bandwidth":
		return 16
	case "mtu":
		return 18
	case "ip", "ipv4":
		if len(w) > 1 && w[1] == "address" {
			return 20
		}
		return 25
	case "ipv6":
		return 27
	case "standby", "vrrp", "hsrp":
		return 30
	case "speed":
		return 55
	case "duplex":
		return 56
	case "negotiation":
		return 57
	case "channel-group":
		return 60
	case "spanning-tree":
		return 65
	case "service-policy":
		return 70
	}
	return 40
}

// ifLines are the interface's lines in print order with the platform's
// defaults ("no ip address", "no switchport", "no shutdown") filled in.
func ifLines(p *platform, i *iface) []*cnode {
	lines := append([]*cnode(nil), i.lines...)
	has := func(prefix string) bool {
		for _, n := range i.lines {
			if hasKey(n.text, prefix) {
				return true
			}
		}
		return false
	}
	mgmt := i.name == p.mgmt
	switch p.name {
	case "cisco_iosxe", "cisco_ios":
		if !has("ip address") {
			lines = append(lines, &cnode{text: "no ip address"})
		}
	case "cisco_nxos":
		if i.physical && !mgmt && !has("switchport") {
			lines = append(lines, &cnode{text: "no switchport"})
		}
		if i.physical && !mgmt && !has("shutdown") {
			lines = append(lines, &cnode{text: "no shutdown"})
		}
	case "arista_eos":
		if i.physical && !mgmt && !has("switchport") {
			lines = append(lines, &cnode{text: "no switchport"})
		}
	}
	sort.SliceStable(lines, func(a, b int) bool { return ifRank(p, lines[a].text) < ifRank(p, lines[b].text) })
	return lines
}

// writer writes lines with a platform's indent.
type writer struct {
	b      *strings.Builder
	indent string
}

func (w writer) line(depth int, s string) {
	for range depth {
		w.b.WriteString(w.indent)
	}
	w.b.WriteString(s)
	w.b.WriteByte('\n')
}

func (w writer) lines(ss ...string) {
	for _, s := range ss {
		w.line(0, s)
	}
}

func (w writer) tree(depth int, n *cnode) {
	w.line(depth, n.text)
	for _, k := range n.kids {
		w.tree(depth+1, k)
	}
}

func (w writer) iface(p *platform, i *iface) {
	w.line(0, "interface "+i.name)
	for _, n := range ifLines(p, i) {
		w.tree(1, n)
	}
}

// isSection says whether a top-level node prints as a section (followed
// by a separator) rather than one line of a group.
func isSection(rank int, n *cnode) bool {
	if len(n.kids) > 0 {
		return true
	}
	switch rank {
	case rankVlan, rankRouter, rankACL, rankLine:
		return true
	}
	return false
}

// fixedItems are the top-level lines the model keeps apart: the hostname,
// the enable secret (when the platform prints one, after enable), the
// banner as banner writes it.
func fixedItems(m *model, enable string, banner func(text string) []string) []item {
	fixed := []item{{rank: rankHostname, text: []string{"hostname " + m.hostname}}}
	if enable != "" && m.enableHash != "" {
		fixed = append(fixed, item{rank: rankEnable, text: []string{enable + m.enableHash}})
	}
	if m.banner != "" {
		fixed = append(fixed, item{rank: rankBanner, text: banner(m.banner)})
	}
	return fixed
}

// bangStyle is how a platform of the IOS kind separates its top level
// with "!": IOS and EOS put one after each group of lines, interface and
// section, and differ in the details.
type bangStyle struct {
	indent string
	// prev and open are the state after the header: on IOS the service
	// lines follow "version" with no "!" between.
	prev int
	open bool
	// lineRuns: line sections follow one another with one "!" after the
	// last (IOS).
	lineRuns bool
	// closeSections: a section ends the open group of lines with a "!"
	// before it and none pending after it (IOS).
	closeSections bool
}

// renderBangs writes header, then the top level in st's layout, then "end".
func renderBangs(m *model, b *strings.Builder, st bangStyle, fixed []item, header ...string) {
	w := writer{b, st.indent}
	w.lines(header...)
	prev, open := st.prev, st.open
	for _, it := range topItems(m, fixed...) {
		if open && it.rank != prev {
			w.lines("!")
			open = false
		}
		switch {
		case it.ifc != nil:
			w.iface(m.plat, it.ifc)
			w.lines("!")
		case it.text != nil:
			w.lines(it.text...)
			open = true
		case st.lineRuns && it.rank == rankLine:
			w.tree(0, it.node)
			open = true
		case isSection(it.rank, it.node):
			if st.closeSections && open {
				w.lines("!")
			}
			w.tree(0, it.node)
			w.lines("!")
			if st.closeSections {
				open = false
			}
		default:
			w.tree(0, it.node)
			open = true
		}
		prev = it.rank
	}
	if open {
		w.lines("!")
	}
	w.lines("end")
}

// renderIOS writes the running config the way IOS shows it after the
// "Current configuration" line.
func renderIOS(m *model, b *strings.Builder) {
	banner := func(t string) []string { return []string{"banner motd ^C", t, "^C"} }
	renderBangs(m, b, bangStyle{indent: " ", prev: rankService, open: true, lineRuns: true, closeSections: true},
		fixedItems(m, "enable secret 9 ", banner), "!", "version "+m.plat.version)
}

// renderNXOS is NX-OS's layout: a comment header, no separators between
// lines, a blank line after each section.
func renderNXOS(m *model, b *strings.Builder) {
	w := writer{b, "  "}
	w.lines("", "!Command: show running-config", "!No configuration change since last restart", "!", "",
		"version "+m.plat.version+" Bios:version")
	blank := false
	for _, it := range topItems(m, fixedItems(m, "", func(t string) []string { return []string{"banner motd #" + t + "#"} })...) {
		switch {
		case it.ifc != nil:
			if !blank {
				w.lines("")
			}
			w.iface(m.plat, it.ifc)
			w.lines("")
			blank = true
		case it.text != nil:
			w.lines(it.text...)
			blank = false
		case len(it.node.kids) > 0 || it.rank == rankVlan || it.rank == rankRouter || it.rank == rankACL:
			if !blank {
				w.lines("")
			}
			w.tree(0, it.node)
			w.lines("")
			blank = true
		default:
			w.tree(0, it.node)
			blank = false
		}
	}
	if !blank {
		w.lines("")
	}
}

// renderEOS is EOS's layout: "!" after each group and section, 3-space
// indents.
func renderEOS(m *model, b *strings.Builder) {
	banner := func(t string) []string { return []string{"banner motd", t, "EOF"} }
	renderBangs(m, b, bangStyle{indent: "   ", prev: -1},
		fixedItems(m, "enable secret sha512 ", banner),
		"! Command: show running-config",
		"! device: "+m.hostname+" (vEOS-lab, EOS-"+m.plat.version+")",
		"!", "! boot system flash:/vEOS-lab.swi", "!")
}

// renderXR is IOS-XR's layout: "!" after each section, ntp as a section.
func renderXR(m *model, b *strings.Builder) {
	w := writer{b, " "}
	w.lines("!! IOS XR Configuration "+m.plat.version, "!")
	for _, it := range topItems(m, fixedItems(m, "", func(t string) []string { return []string{"banner motd ^C" + t + "^C"} })...) {
		switch {
		case it.ifc != nil:
			w.iface(m.plat, it.ifc)
			w.lines("!")
		case it.text != nil:
			w.lines(it.text...)
		case isSection(it.rank, it.node):
			w.tree(0, it.node)
			w.lines("!")
		default:
			w.tree(0, it.node)
		}
	}
	w.lines("end")
}

// byteCount is IOS's "Current configuration : N bytes" line.
func byteCount(body string) string {
	return "Current configuration : " + strconv.Itoa(len(body)) + " bytes\n"
}
