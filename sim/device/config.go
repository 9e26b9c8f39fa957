package device

import (
	"strings"
)

// The configuration grammar of the IOS family: the commands each platform
// knows, as command trees whose handlers store the canonical line (full
// keywords, arguments as typed) in the running config. A line has a key,
// the words that identify it: a line with the key of an existing one
// replaces it (hostname, description, mtu: single-valued settings), a line
// without one is added beside the others (ntp servers, routes, ACL
// entries). "no" removes by key, or the exact line, or the lines that
// start with its words.

// keyFn says which words of a line identify it; "" means the whole line.
type keyFn func(w []string) string

// keyN: the first n words.
func keyN(n int) keyFn {
	return func(w []string) string { return strings.Join(w[:min(n, len(w))], " ") }
}

// keyExact: the whole line; lines with other values coexist.
func keyExact(w []string) string { return "" }

// keyDropLast: all but the value at the end ("spanning-tree mode" of
// "spanning-tree mode rapid-pvst"); lines of one or two words are exact.
func keyDropLast(w []string) string {
	if len(w) < 3 {
		return ""
	}
	return strings.Join(w[:len(w)-1], " ")
}

// editTarget applies fn to the lines the session's mode configures: the
// top level, the interface or the section.
func (c *cli) editTarget(fn func(list *[]*cnode)) {
	switch c.mode {
	case modeConfig:
		c.cfg().editTop(fn)
	case modeIf:
		c.cfg().editIface(c.ifName, func(i *iface) { fn(&i.lines) })
	default:
		c.cfg().editSection(c.section, func(s *cnode) { fn(&s.kids) })
	}
}

// lineText is the canonical line: full keywords, arguments as typed, runs
// of spaces collapsed (a description keeps its own).
func lineText(in input, raw bool) (string, []string) {
	line := strings.Join(in.words, " ")
	w := strings.Fields(line)
	if !raw {
		line = strings.Join(w, " ")
	}
	return line, w
}

// lineH stores the command as a line with key k; "no" removes it.
func lineH(k keyFn) handler { return lineHandler(k, false) }

// rawH is lineH for free text (descriptions), spaces kept.
func rawH(k keyFn) handler { return lineHandler(k, true) }

func lineHandler(k keyFn, raw bool) handler {
	return func(c *cli, in input) string {
		line, w := lineText(in, raw)
		key := k(w)
		c.editTarget(func(l *[]*cnode) {
			if in.neg {
				unsetLine(l, key, line)
			} else {
				setLine(l, key, line)
			}
		})
		return ""
	}
}

// polarH is a setting shown as "X" or "no X": storePos keeps "X" in the
// configuration, storeNeg keeps "no X" (a default that is on, or one the
// platform prints either way, like "no ip http server").
func polarH(k keyFn, storePos, storeNeg bool) handler {
	return func(c *cli, in input) string {
		line, w := lineText(in, false)
		key := k(w)
		if key == "" {
			key = line
		}
		c.editTarget(func(l *[]*cnode) {
			want := ""
			switch {
			case in.neg && storeNeg:
				want = "no " + line
			case !in.neg && storePos:
				want = line
			}
			// Replace in place, so the line keeps its position.
			out, at := (*l)[:0], -1
			for _, n := range *l {
				if hasKey(n.text, key) || hasKey(n.text, "no "+key) {
					if at < 0 {
						at = len(out)
					}
					continue
				}
				out = append(out, n)
			}
			if want != "" {
				if at < 0 {
					at = len(out)
				}
				out = append(out[:at], append([]*cnode{{text: want}}, out[at:]...)...)
			}
			*l = out
		})
		return ""
	}
}

// sectionChildH stores "ntp server X" as " server X" under "ntp", as
// IOS-XR shows it; the section goes when its last line does.
func sectionChildH(k keyFn) handler {
	return func(c *cli, in input) string {
		line, w := lineText(in, false)
		header, rest := w[0], strings.TrimPrefix(line, w[0]+" ")
		key := k(w[1:])
		m := c.cfg()
		m.editSection(header, func(s *cnode) {
			if in.neg {
				unsetLine(&s.kids, key, rest)
			} else {
				setLine(&s.kids, key, rest)
			}
		})
		m.editTop(func(l *[]*cnode) {
			if s := findNode(*l, header); s != nil && len(s.kids) == 0 {
				unsetLine(l, header, header)
			}
		})
		return ""
	}
}

// opts makes optional trailing keywords, in any order, each completing the
// command: "ntp server X prefer key 1".
func opts(h handler, spec ...*node) []*node {
	var ends []*node
	for _, s := range spec {
		end := s
		for len(end.kids) == 1 {
			end = end.kids[0]
		}
		end.does(h)
		ends = append(ends, end)
	}
	for _, e := range ends {
		e.kids = append(e.kids, spec...)
	}
	return spec
}

func kwRest(word string, h handler) *node { return kw(word, restOfLine().does(h)).undoes(h) }

func kwArg(word string, take func([]token) (string, int, bool), h handler) *node {
	return kw(word, arg(take).does(h)).undoes(h)
}

// iosTrees builds the configuration trees of an IOS-family platform.
func iosTrees(plat string, ifn func([]token) (string, int, bool)) map[mode]*node {
	nx, eos, xr := plat == "cisco_nxos", plat == "arista_eos", plat == "cisco_iosxr"
	ios := !nx && !eos && !xr
	exact, k1, k2, k3 := lineH(keyExact), lineH(keyN(1)), lineH(keyN(2)), lineH(keyN(3))
	drop := lineH(keyDropLast)
	common := func(kids ...*node) []*node {
		return append([]*node{
			kw("no").negated(),
			kw("exit").does(cfgExit),
			kw("end").does(cfgEnd),
		}, kids...)
	}

	ntpServer := k3
	if xr {
		ntpServer = sectionChildH(keyN(2))
	}
	ntpOpts := func() *node {
		return arg(word, opts(ntpServer,
			kw("prefer"), kw("iburst"), kw("burst"),
			kw("key", arg(number(1, 65535))),
			kw("version", arg(number(1, 4))),
			kw("source", arg(ifn)),
			kw("use-vrf", arg(word)),
			kw("vrf", arg(word)),
		)...).does(ntpServer)
	}
	ntp := kw("ntp",
		kw("server", ntpOpts()).undoes(ntpServer),
		kw("peer", ntpOpts()).undoes(ntpServer),
		kwArg("source", ifn, k2),
		kw("source-interface", arg(ifn).does(k2)).undoes(k2),
		kw("master", arg(number(1, 15)).does(k2)).does(k2),
		kw("update-calendar").does(exact),
		kw("authenticate").does(exact),
		kw("logging").does(exact),
	)
	logHost := k3
	logging := kw("logging",
		kw("host", arg(word, opts(logHost,
			kw("transport", arg(word, arg(word))),
			kw("vrf", arg(word)),
		)...).does(logHost)).undoes(logHost),
		kw("server", arg(word, opts(logHost, kw("use-vrf", arg(word)), arg(number(0, 7)))...).does(logHost)).undoes(logHost),
		kw("buffered", arg(word, arg(word).does(k2)).does(k2)).does(k2).undoes(k2),
		kwArg("trap", word, k2),
		kw("console", arg(word).does(k2)).does(k2).undoes(k2),
		kw("monitor", arg(word).does(k2)).does(k2).undoes(k2),
		kwArg("source-interface", ifn, k2),
		kwArg("facility", word, k2),
		kw("timestamp", arg(word).does(k2)).undoes(k2),
	)
	if ios {
		logging.kids = append(logging.kids, arg(ipv4).does(cfgLoggingHost))
	}
	if xr {
		logging.kids = append(logging.kids, arg(ipv4, opts(k2, kw("vrf", arg(word)))...).does(k2))
	}
	community := k3
	snmp := kw("snmp-server",
		kw("community", arg(word, opts(community,
			kw("RO"), kw("RW"), kw("ro"), kw("rw"),
			kw("view", arg(word)), kw("group", arg(word)), kw("use-acl", arg(word)),
			arg(func(t []token) (string, int, bool) { // an ACL name or number
				s := t[0].s
				return s, 1, s != "" && s[0] >= '0' && s[0] <= '9' || strings.ToUpper(s) == s
			}),
		)...).does(community)).undoes(community),
		kw("location", restOfLine().does(rawH(keyN(2)))).undoes(rawH(keyN(2))),
		kw("contact", restOfLine().does(rawH(keyN(2)))).undoes(rawH(keyN(2))),
		kwRest("chassis-id", k2),
		kw("host", arg(word, restOfLine().does(k3)).does(k3)).undoes(k3),
		kw("enable", kw("traps", restOfLine().does(exact)).does(exact).undoes(exact)),
		kw("user", restOfLine().does(k3)),
		kw("group", restOfLine().does(k3)),
		kw("view", restOfLine().does(exact)),
		kwArg("trap-source", ifn, k2),
		kw("source-interface", restOfLine().does(keyDropLastH)).undoes(keyDropLastH),
	)
	username := kw("username", arg(word, restOfLine().does(k2)).undoes(k2))
	if ios {
		secret := func(h handler) *node { // "secret X" or "secret 0 X" or "secret 9 HASH"
			return arg(word, arg(word).does(h)).does(h)
		}
		username = kw("username", arg(word,
			kw("privilege", arg(number(0, 15),
				kw("secret", secret(cfgUser)),
				kw("password", secret(cfgUser)),
			)),
			kw("secret", secret(cfgUser)),
			kw("password", secret(cfgUser)),
		).undoes(cfgUser))
	}
	ipKids := []*node{
		kw("domain",
			kw("name", arg(word).does(cfgDomain)).undoes(cfgDomain),
			kw("lookup", restOfLine().does(polarH(keyN(3), false, true))).does(polarH(keyN(3), false, true)),
		),
		kw("domain-name", arg(word).does(cfgDomain)).undoes(cfgDomain),
		kw("domain-lookup").does(polarH(keyN(2), false, true)),
		kw("name-server", restOfLine().does(exact)).undoes(exact),
		kw("http",
			kw("server").does(polarH(keyN(3), true, true)),
			kw("secure-server").does(polarH(keyN(3), true, true)),
			kwRest("authentication", k3),
		),
		kw("routing").does(polarH(keyN(2), eos, true)),
		kw("cef").does(polarH(keyN(2), false, true)),
		kw("classless").does(exact),
		kw("forward-protocol", kw("nd").does(exact)).undoes(exact),
		kw("ssh", kw("version", arg(number(1, 2)).does(k3)).undoes(k3), kwRest("time-out", k3), kwRest("authentication-retries", k3)),
		kwArg("default-gateway", ipv4, k2),
		kw("route", restOfLine().does(cfgRoute)).undoes(cfgRoute),
		kw("source-route").does(polarH(keyN(2), false, true)),
	}
	if ios {
		ipKids = append(ipKids, kw("access-list",
			kw("extended", arg(word).does(cfgACL)),
			kw("standard", arg(word).does(cfgACL)),
		))
	} else {
		ipKids = append(ipKids, kw("access-list", arg(word).does(cfgACL)))
	}
	service := polarH(serviceKey, true, false)
	config := kw("", common(
		kw("hostname", arg(word).does(cfgHostname)).undoes(cfgHostname),
		kw("interface", arg(ifn).does(cfgInterface)),
		ntp, logging, snmp, username,
		kw("banner",
			kw("motd", restOfLine().does(cfgBanner)).does(cfgBanner).undoes(cfgBanner),
			kw("login", restOfLine().does(k2)).undoes(k2),
			kw("exec", restOfLine().does(k2)).undoes(k2),
		),
		kw("ip", ipKids...),
		kw("ipv6", kw("unicast-routing").does(polarH(keyN(2), true, false)), kwRest("route", exact)),
		kw("router",
			kw("ospf", arg(word).does(cfgRouter)),
			kw("bgp", arg(number(1, 4294967295)).does(cfgRouter)),
			kw("eigrp", arg(word).does(cfgRouter)),
			kw("isis", arg(word).does(cfgRouter)).does(cfgRouter),
		),
		kw("spanning-tree", restOfLine().does(drop)).undoes(drop),
		kw("service", restOfLine().does(service)).undoes(service),
		kw("aaa",
			kw("new-model").does(polarH(keyN(2), true, true)),
			kwRest("authentication", exact), kwRest("authorization", exact), kwRest("accounting", exact),
			kw("root", restOfLine().does(polarH(keyN(2), true, true))).does(polarH(keyN(2), true, true)),
		),
		kw("cdp", kw("run").does(polarH(keyN(2), false, true))),
		kw("lldp", kw("run").does(polarH(keyN(2), true, false))),
		kw("clock", kwRest("timezone", k2), kwRest("summer-time", k2)),
		kw("vlan", arg(vlanList).does(cfgVlan)),
	)...)
	if ios || eos {
		secret := func(h handler) *node { return arg(word, arg(word).does(h)).does(h) }
		config.kids = append(config.kids, kw("enable", kw("secret", secret(cfgEnable)).undoes(cfgEnable)))
	}
	if ios {
		config.kids = append(config.kids,
			kw("line",
				kw("vty", arg(number(0, 1869), arg(number(0, 1869)).does(cfgLine))),
				kw("console", arg(number(0, 0)).does(cfgLine)),
				kw("con", arg(number(0, 0)).does(cfgLine)),
				kw("aux", arg(number(0, 0)).does(cfgLine)),
			),
			kw("access-list", arg(number(1, 2699),
				kwRest("permit", exact), kwRest("deny", exact), kwRest("remark", exact),
			).undoes(exact)),
		)
	}
	if nx {
		config.kids = append(config.kids,
			kw("switchname", arg(word).does(cfgHostname)).undoes(cfgHostname),
			kw("feature", arg(word).does(k2)),
			kw("line", kw("vty").does(cfgLine), kw("console").does(cfgLine)),
		)
	}
	if eos {
		config.kids = append(config.kids,
			kw("transceiver", restOfLine().does(drop)).undoes(drop),
			kw("dns", kwArg("domain", word, k2)),
		)
	}

	// Interface configuration.
	addrKw := "ip"
	if xr {
		addrKw = "ipv4"
	}
	var addrArgs []*node
	sec := func() *node { return kw("secondary").does(ifAddress) }
	if ios {
		addrArgs = []*node{arg(ipv4, arg(ipv4, sec()).does(ifAddress))}
	} else {
		addrArgs = []*node{arg(cidrArg, sec()).does(ifAddress), arg(ipv4, arg(ipv4, sec()).does(ifAddress))}
	}
	ipIf := []*node{
		kw("address", addrArgs...).undoes(ifAddress),
	}
	if !xr {
		ipIf = append(ipIf,
			kw("ospf", restOfLine().does(drop)).undoes(drop),
			kw("helper-address", arg(ipv4).does(exact)).undoes(exact),
			kw("access-group", arg(word, kw("in").does(exact), kw("out").does(exact))).undoes(exact),
			kwArg("mtu", number(68, 9216), k2),
			kw("router", restOfLine().does(drop)).undoes(drop),
			kw("nat", kw("inside").does(k2), kw("outside").does(k2)).undoes(k2),
			kw("redirects").does(polarH(keyN(2), false, true)),
			kw("proxy-arp").does(polarH(keyN(2), false, true)),
			kw("unreachables").does(polarH(keyN(2), false, true)),
			kw("pim", restOfLine().does(drop)).undoes(drop),
			kw("vrf", kwArg("forwarding", word, k3)),
		)
	}
	switchport := restOfLine().does(cfgSwitchport)
	ifc := kw("", common(
		kw("description", restOfLine().does(rawH(keyN(1)))).undoes(rawH(keyN(1))),
		kw(addrKw, ipIf...),
		kw("ipv6", restOfLine().does(exact)).undoes(exact),
		kw("shutdown").does(polarH(keyN(1), true, false)),
		kwArg("mtu", number(64, 65535), k1),
		kwArg("speed", word, k1),
		kwArg("duplex", word, k1),
		kwArg("bandwidth", number(1, 100000000), k1),
		kwArg("load-interval", number(1, 600), k1),
		kw("switchport", switchport).does(cfgSwitchport),
		kw("negotiation", kw("auto").does(polarH(keyN(2), true, false))).undoes(polarH(keyN(2), true, false)),
		kwRest("encapsulation", k1),
		kw("vrf", kwArg("forwarding", word, k2), kwArg("member", word, k2)),
		kwRest("channel-group", k1),
		kw("spanning-tree", restOfLine().does(drop)).undoes(drop),
		kwRest("standby", drop),
		kw("service-policy", kwArg("input", word, k2), kwArg("output", word, k2)),
		kw("cdp", kw("enable").does(polarH(keyN(2), false, true))),
		kw("keepalive", arg(number(0, 32767)).does(k1)).does(k1),
	)...)

	lineTree := kw("", common(
		kw("login", kw("local").does(k1)).does(k1),
		kw("transport",
			kw("input", restOfLine().does(k2)).undoes(k2),
			kw("output", restOfLine().does(k2)).undoes(k2),
			kw("preferred", restOfLine().does(k2)).undoes(k2),
		),
		kw("exec-timeout", arg(number(0, 35791), arg(number(0, 2147483)).does(k1)).does(k1)).undoes(k1),
		kw("password", arg(word, arg(word).does(k1)).does(k1)).undoes(k1),
		kw("logging", kw("synchronous").does(k2)),
		kw("privilege", kw("level", arg(number(0, 15)).does(k2))),
		kw("access-class", arg(word, kw("in").does(exact), kw("out").does(exact))).undoes(exact),
		kwArg("stopbits", word, k1),
		kwArg("session-timeout", number(0, 35791), k1),
		kw("history", kw("size", arg(number(0, 256)).does(k2))),
	)...)

	// One tree serves OSPF, BGP and EIGRP: the simulator does not route, it
	// only keeps what was typed.
	routerTree := kw("", common(
		kwArg("router-id", ipv4, k1),
		kwRest("network", exact),
		kw("passive-interface", restOfLine().does(polarH(keyExact, true, true))),
		kw("neighbor", arg(word, restOfLine().does(k3)).undoes(k3)),
		kw("bgp", restOfLine().does(drop)).undoes(drop),
		kwRest("redistribute", k2),
		kw("default-information", restOfLine().does(k1)).undoes(k1),
		kw("log-adjacency-changes", restOfLine().does(k1)).does(k1),
		kwRest("auto-cost", k1),
		kwRest("area", exact),
		kwArg("maximum-paths", number(1, 64), k1),
		kwRest("timers", k2),
		kwRest("distance", k1),
	)...)

	aclTree := kw("", common(
		kwRest("permit", exact),
		kwRest("deny", exact),
		kwRest("remark", exact),
		arg(number(1, 2147483647), kwRest("permit", exact), kwRest("deny", exact), kwRest("remark", exact)).undoes(exact),
	)...)

	vlanTree := kw("", common(
		kwArg("name", word, k1),
		kwArg("state", word, k1),
		kw("shutdown").does(polarH(keyN(1), true, false)),
	)...)

	return map[mode]*node{modeConfig: config, modeIf: ifc, modeLine: lineTree, modeRouter: routerTree,
		modeACL: aclTree, modeVlan: vlanTree}
}

var keyDropLastH = lineH(keyDropLast)

// serviceKey: "service timestamps debug ..." is keyed by three words,
// other services by two.
func serviceKey(w []string) string {
	if len(w) > 1 && w[1] == "timestamps" {
		return keyN(3)(w)
	}
	return keyN(2)(w)
}

// vlanList is a VLAN number or list: "10", "10,20", "100-110".
func vlanList(toks []token) (string, int, bool) {
	s := toks[0].s
	if s == "" {
		return s, 1, false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != ',' && r != '-' {
			return s, 1, false
		}
	}
	return s, 1, true
}

// Configuration handlers.

func cfgExit(c *cli, _ input) string {
	if c.mode == modeConfig {
		c.mode = modeExec
	} else {
		c.mode = modeConfig
	}
	return ""
}

func cfgEnd(c *cli, _ input) string {
	c.mode = modeExec
	return ""
}

func cfgHostname(c *cli, in input) string {
	if in.neg {
		c.cfg().setHost("Router")
	} else {
		c.cfg().setHost(in.args[0])
	}
	return ""
}

func cfgInterface(c *cli, in input) string {
	name := in.args[0]
	typ, _ := splitIfName(name)
	exists := c.cfg().hasIface(name)
	if !exists && !virtualIf(typ) && !c.loading {
		return c.invalid(in.pos[0]) // no such port on the chassis
	}
	if in.neg {
		c.cfg().removeIface(name)
		return ""
	}
	if !exists {
		c.cfg().editIface(name, func(i *iface) {
			if i.physical = !virtualIf(typ); i.physical {
				i.lines = chassisLines(c.inst.plat)
			}
		})
	}
	c.mode, c.ifName = modeIf, name
	return ""
}

// cfgLoggingHost is IOS's "logging 10.0.0.1", which it shows as
// "logging host 10.0.0.1".
func cfgLoggingHost(c *cli, in input) string {
	in.words = []string{"logging", "host", in.args[0]}
	return lineH(keyN(3))(c, in)
}

// cfgRoute checks that a static route starts with a destination.
func cfgRoute(c *cli, in input) string {
	w := strings.Fields(in.args[0])
	if !in.neg || len(w) > 0 {
		if len(w) == 0 || (!net4(w[0]) && !isCIDR(w[0]) && w[0] != "vrf") {
			return c.invalid(in.pos[0])
		}
		if net4(w[0]) && len(w) < 3 || isCIDR(w[0]) && len(w) < 2 {
			return c.errorText(parsed{err: errIncomplete}, "")
		}
	}
	return lineH(keyExact)(c, in)
}

func isCIDR(s string) bool {
	_, _, ok := parseCIDR(s)
	return ok
}

// cfgSwitchport: "no switchport" makes a routed port, removing every
// switchport line; the others are keyed by all but their value.
func cfgSwitchport(c *cli, in input) string {
	if in.neg && len(in.words) == 1 {
		c.editTarget(func(l *[]*cnode) { unsetLine(l, "switchport", "") })
		return ""
	}
	return lineH(keyDropLast)(c, in)
}

func cfgDomain(c *cli, in input) string {
	key := "ip domain name"
	if c.inst.plat.name != "cisco_iosxe" && c.inst.plat.name != "cisco_ios" {
		key = "ip domain-name"
	}
	m := c.cfg()
	m.editTop(func(l *[]*cnode) {
		unsetLine(l, "ip domain name", "")
		unsetLine(l, "ip domain-name", "")
		if !in.neg {
			setLine(l, key, key+" "+in.args[0])
		}
	})
	return ""
}

// hashTypes are the secret types whose argument is already a hash.
var hashTypes = map[string]bool{"5": true, "7": true, "8": true, "9": true, "sha512": true}

// cfgUser stores a local user; secrets are shown hashed, as IOS does.
func cfgUser(c *cli, in input) string {
	key := "username " + in.args[0]
	if in.neg {
		c.cfg().unsetGlobal(key)
		return ""
	}
	line := key
	w := in.words[2:]
	if w[0] == "privilege" {
		line += " privilege " + w[1]
		w = w[2:]
	}
	// w is now "secret|password [TYPE] VALUE".
	typ, val := "0", w[len(w)-1]
	if len(w) == 3 {
		typ = w[1]
	}
	switch {
	case w[0] == "password" && typ == "0":
		line += " password 0 " + val
	case w[0] == "password":
		line += " password " + typ + " " + val
	case hashTypes[typ]:
		line += " secret " + typ + " " + val
	default:
		line += " secret 9 " + fakeHash(val)
	}
	c.cfg().setGlobal(key, line)
	return ""
}

func cfgEnable(c *cli, in input) string {
	switch {
	case in.neg:
		c.cfg().setEnable("")
	case len(in.args) == 2 && hashTypes[in.args[0]]:
		c.cfg().setEnableHash(in.args[1])
	default:
		c.cfg().setEnable(in.args[len(in.args)-1])
	}
	return ""
}

// bannerDelim splits "^Ctext^C", "#text#" into its delimiter and the text
// after the opening one.
func bannerDelim(text string) (delim, body string) {
	if strings.HasPrefix(text, "^C") {
		return "^C", text[2:]
	}
	if text == "" {
		return "EOF", "" // EOS: the text follows on lines of its own
	}
	return text[:1], text[1:]
}

// cfgBanner takes a banner between delimiters, on one line (banner motd
// ^text^) or several: IOS then reads lines, with no prompt, until one
// holds the delimiter.
func cfgBanner(c *cli, in input) string {
	if in.neg {
		c.cfg().setBanner("")
		return ""
	}
	raw := ""
	if len(in.args) > 0 {
		raw = in.args[0]
	}
	delim, body := bannerDelim(raw)
	if i := strings.Index(body, delim); i >= 0 {
		c.cfg().setBanner(body[:i])
		return ""
	}
	if c.loading || c.ch == nil {
		return c.invalid(0)
	}
	var lines []string
	if body = strings.TrimLeft(body, " "); body != "" {
		lines = append(lines, body)
	}
	if delim == "EOF" {
		c.put("Enter TEXT message.  Type 'EOF' on its own line to end.\r\n")
	} else {
		c.put("Enter TEXT message.  End with the character '" + delim + "'.\r\n")
	}
	for {
		l, ok := c.readLine(true)
		if !ok {
			c.quit = true
			return ""
		}
		if delim == "EOF" && strings.TrimSpace(l) == "EOF" {
			break
		}
		if i := strings.Index(l, delim); i >= 0 && delim != "EOF" {
			if l[:i] != "" {
				lines = append(lines, l[:i])
			}
			break
		}
		lines = append(lines, l)
	}
	c.cfg().setBanner(strings.Join(lines, "\n"))
	return ""
}

func cfgLine(c *cli, in input) string {
	header := "line " + strings.Join(in.words[1:], " ")
	if len(in.args) == 2 {
		header = "line vty " + in.args[0] + " " + in.args[1]
	} else if len(in.args) == 1 {
		header = "line con " + in.args[0]
		if in.words[1] == "aux" {
			header = "line aux " + in.args[0]
		}
	}
	return enterSection(c, in, modeLine, header)
}

func cfgRouter(c *cli, in input) string {
	return enterSection(c, in, modeRouter, strings.Join(in.words, " "))
}

func cfgACL(c *cli, in input) string {
	return enterSection(c, in, modeACL, strings.Join(in.words, " "))
}

func cfgVlan(c *cli, in input) string {
	return enterSection(c, in, modeVlan, strings.Join(in.words, " "))
}

// enterSection enters a section's mode, creating the section; "no" removes
// it whole.
func enterSection(c *cli, in input, m mode, header string) string {
	if in.neg {
		c.cfg().removeSection(header)
		return ""
	}
	c.cfg().editSection(header, func(*cnode) {})
	c.mode, c.section = m, header
	return ""
}

// ifAddress sets the interface's address (replacing the primary one) or
// adds a secondary; "no ip address" removes them all.
func ifAddress(c *cli, in input) string {
	secondary := in.words[len(in.words)-1] == "secondary"
	var addr, mask string
	switch {
	case len(in.args) >= 2:
		addr, mask = in.args[0], in.args[1]
	case len(in.args) == 1:
		addr, mask, _ = parseCIDR(in.args[0])
	}
	prefix := in.words[0] + " address"
	line := ""
	if addr != "" {
		switch c.inst.plat.name {
		case "cisco_nxos", "arista_eos":
			line = prefix + " " + iface{addr: addr, mask: mask}.cidr()
		default:
			line = prefix + " " + addr + " " + mask
		}
		if secondary {
			line += " secondary"
		}
	}
	isPrimary := func(t string) bool { return hasKey(t, prefix) && !strings.HasSuffix(t, " secondary") }
	c.cfg().editIface(c.ifName, func(i *iface) {
		out := i.lines[:0]
		pos := -1
		for _, n := range i.lines {
			drop := false
			switch {
			case in.neg && addr == "":
				drop = hasKey(n.text, prefix)
			case secondary:
				drop = n.text == line
			default:
				drop = isPrimary(n.text)
			}
			if drop {
				if pos < 0 {
					pos = len(out)
				}
				continue
			}
			out = append(out, n)
		}
		i.lines = out
		if !in.neg {
			if pos < 0 || secondary {
				pos = len(i.lines)
			}
			i.lines = append(i.lines[:pos], append([]*cnode{{text: line}}, i.lines[pos:]...)...)
		}
		if !c.loading {
			i.method = "manual"
		}
	})
	return ""
}
