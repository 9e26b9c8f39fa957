package platform

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

// Dialect is how a platform writes and changes its configuration: the data
// engine/configtree parses, diffs and applies with.
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

	// InterfaceNames are the platform's interface types as it prints them,
	// with the abbreviations its CLI takes for each: a desired
	// "interface Gi0/1" is the running "interface GigabitEthernet0/1".
	// They are used to compare only: what is sent is the device's own
	// spelling of a section it has, or the desired line as written. A
	// type's name or abbreviation matches without regard to case; nothing
	// else is expanded: "eth0" is not "Ethernet0" to the IOS dialect, and
	// FRRouting, which speaks it, may have both. A dialect without
	// InterfaceNames compares names as written.
	InterfaceNames []InterfaceName
}

// InterfaceName is an interface type as the platform prints it
// ("GigabitEthernet") and the abbreviations that name it ("Gi", "Gig"),
// each naming no other type of the platform.
type InterfaceName struct {
	Name    string
	Abbrevs []string
}

// Setting is a single-valued setting: lines matching Key (a word pattern)
// replace each other, except lines whose last word is Unless ("ip address
// ... secondary" adds an address instead of replacing the primary one).
type Setting struct {
	Key    string
	Unless string
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

// The built-in platforms' dialects; each platform's copy takes its name.
var (
	nxosDialect = Dialect{
		Style: Indented, Ignore: ciscoIgnore,
		Negate: "no ", ExitSection: "exit",
		SingleValued: ciscoSingleValued, NegateKey: ciscoNegateKey,
		NegatedShown: []string{"shutdown", "switchport", "ip redirects", "ipv6 redirects",
			"ip domain-lookup"},
		DefaultOn:    []string{"ip redirects", "ipv6 redirects", "ip domain-lookup"},
		SectionHeads: ciscoSectionHeads,
		InterfaceNames: []InterfaceName{{"Ethernet", []string{"Eth", "Et"}}, {"loopback", []string{"lo"}},
			{"port-channel", []string{"Po"}}, {"Vlan", nil}, {"mgmt", nil}, {"nve", nil}, {"Tunnel", []string{"Tu"}}},
	}
	eosDialect = Dialect{
		Style: Indented, Ignore: ciscoIgnore,
		Negate: "no ", ExitSection: "exit",
		SingleValued: ciscoSingleValued, NegateKey: ciscoNegateKey,
		NegatedShown: []string{"switchport", "ip routing", "aaa root", "ipv6 routing"},
		DefaultOn:    []string{"switchport"},
		SectionHeads: append([]string{"management", "daemon", "mlag configuration"}, ciscoSectionHeads...),
		BannerEnd:    "EOF",
		InterfaceNames: []InterfaceName{{"Ethernet", []string{"Et", "Eth"}}, {"Loopback", []string{"Lo"}},
			{"Port-Channel", []string{"Po"}}, {"Vlan", []string{"Vl"}}, {"Management", []string{"Ma"}},
			{"Vxlan", []string{"Vx"}}, {"Tunnel", []string{"Tu"}}},
	}
	iosxrDialect = Dialect{
		Style: Indented, Ignore: ciscoIgnore,
		Negate: "no ", ExitSection: "exit",
		SingleValued: ciscoSingleValued, NegateKey: ciscoNegateKey,
		SectionHeads: append([]string{"neighbor", "area", "prefix-set", "route-policy",
			"community-set", "as-path-set", "ssh server$", "telnet$", "ntp$", "logging$", "snmp-server$",
			"domain$", "multicast-routing", "mpls", "l2vpn", "evpn", "bridge group", "bridge-domain"},
			ciscoSectionHeads...),
		InterfaceNames: []InterfaceName{{"GigabitEthernet", []string{"Gi"}}, {"TenGigE", []string{"Te"}},
			{"TwentyFiveGigE", []string{"TF"}}, {"FortyGigE", []string{"Fo"}}, {"HundredGigE", []string{"Hu"}},
			{"Bundle-Ether", []string{"BE"}}, {"Loopback", []string{"Lo"}}, {"MgmtEth", []string{"Mg"}},
			{"tunnel-ip", []string{"ti"}}, {"BVI", []string{"BV"}}},
	}
	junosDialect = Dialect{
		Style: SetLines,
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
	}
)

// Settings IOS has on by default and shows only as "no X".
var iosDefaultOn = []string{"ip domain lookup", "ip domain-lookup",
	"ip http server", "ip http secure-server", "service pad", "cdp run",
	"ip source-route", "ip bootp server", "ip routing", "ip redirects",
	"ip unreachables", "ip proxy-arp", "mop enabled", "ip cef", "logging console"}

// iosDialect is IOS and IOS-XE's.
var iosDialect = Dialect{
	Style: Indented, Ignore: ciscoIgnore,
	Negate: "no ", ExitSection: "exit",
	SingleValued: ciscoSingleValued, NegateKey: ciscoNegateKey,
	NegatedShown:   append([]string{"ip address", "aaa new-model", "service config", "lldp run"}, iosDefaultOn...),
	DefaultOn:      iosDefaultOn,
	SectionHeads:   ciscoSectionHeads,
	InterfaceNames: iosInterfaceNames,
}

// iosInterfaceNames are IOS's interface types with the short forms IOS
// itself prints (show ip interface brief, CDP, logs), the ones engineers
// write: any other prefix is taken as written.
var iosInterfaceNames = []InterfaceName{
	{"GigabitEthernet", []string{"Gi", "Gig"}}, {"FastEthernet", []string{"Fa"}},
	{"TenGigabitEthernet", []string{"Te", "Ten"}}, {"TwoGigabitEthernet", []string{"Tw"}},
	{"TwentyFiveGigE", []string{"Twe"}}, {"FortyGigabitEthernet", []string{"Fo"}},
	{"HundredGigE", []string{"Hu"}}, {"Ethernet", []string{"Et"}}, {"Loopback", []string{"Lo"}},
	{"Port-channel", []string{"Po"}}, {"Vlan", []string{"Vl"}}, {"Tunnel", []string{"Tu"}},
	{"Serial", []string{"Se"}}, {"BDI", nil}, {"Management", nil}, {"AppGigabitEthernet", []string{"Ap"}},
}
