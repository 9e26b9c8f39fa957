package device

import (
	"fmt"
	"strings"
)

// Reading a configuration in: Device.Config, SetRunningConfig and the
// platforms' factory configurations. IOS-family text is read as the
// device prints it (preamble, "!" and "end" skipped) and each line is run
// through configuration mode, so it is stored exactly as if typed; a
// section or line the grammar does not know is kept verbatim, with what
// is indented under it. Junos takes set commands or the brace form.

func lineErr(n int, msg string) error {
	return fmt.Errorf("sim: configuration line %d: %s", n+1, msg)
}

// block is a top-level line and what is indented under it.
type block struct {
	n    int // line number, for errors
	text string
	kids []*cnode
}

// indentOf counts leading spaces (a tab counts as one).
func indentOf(s string) int { return len(s) - len(strings.TrimLeft(s, " \t")) }

// skipLine says whether a line is preamble or decoration.
func skipLine(t string) bool {
	return t == "" || strings.HasPrefix(t, "!") || t == "end" || strings.HasPrefix(t, "version ") ||
		strings.HasPrefix(t, "Building configuration") || strings.HasPrefix(t, "Current configuration")
}

// splitBlocks turns running-config text into top-level blocks; banners
// keep their lines as typed, up to the closing delimiter.
func splitBlocks(text string) ([]block, error) {
	lines := strings.Split(strings.ReplaceAll(text, "\r", ""), "\n")
	var out []block
	type open struct {
		depth int
		node  *cnode
	}
	var stack []open
	for n := 0; n < len(lines); n++ {
		raw := strings.TrimRight(lines[n], " \t")
		t := strings.TrimSpace(raw)
		if strings.HasPrefix(t, "banner ") && indentOf(raw) == 0 {
			w := strings.Fields(t)
			rest := ""
			if len(w) > 2 {
				rest = strings.TrimSpace(t[strings.Index(t, w[1])+len(w[1]):])
			}
			delim, body := bannerDelim(rest)
			if w[1] != "motd" || (delim != "EOF" && strings.Contains(body, delim)) {
				out = append(out, block{n: n, text: t})
				stack = nil
				continue
			}
			var text []string
			if body = strings.TrimLeft(body, " "); body != "" {
				text = append(text, body)
			}
			closed := false
			for n++; n < len(lines); n++ {
				l := strings.TrimRight(lines[n], "\r")
				if delim == "EOF" && strings.TrimSpace(l) == "EOF" {
					closed = true
					break
				}
				if i := strings.Index(l, delim); i >= 0 && delim != "EOF" {
					if l[:i] != "" {
						text = append(text, l[:i])
					}
					closed = true
					break
				}
				text = append(text, l)
			}
			if !closed {
				return nil, lineErr(n, "banner not closed with "+delim)
			}
			out = append(out, block{n: n, text: "banner motd ^C" + strings.Join(text, "\n") + "^C"})
			stack = nil
			continue
		}
		if skipLine(t) {
			continue
		}
		d := indentOf(raw)
		if d == 0 {
			out = append(out, block{n: n, text: t})
			stack = stack[:0]
			continue
		}
		if len(out) == 0 {
			return nil, lineErr(n, "indented line before any section: "+t)
		}
		for len(stack) > 0 && stack[len(stack)-1].depth >= d {
			stack = stack[:len(stack)-1]
		}
		node := &cnode{text: t}
		if len(stack) == 0 {
			b := &out[len(out)-1]
			b.kids = append(b.kids, node)
		} else {
			p := stack[len(stack)-1].node
			p.kids = append(p.kids, node)
		}
		stack = append(stack, open{d, node})
	}
	return out, nil
}

// appendVerbatim adds a section the grammar does not know, merged into
// one of the same header.
func appendVerbatim(l *[]*cnode, n *cnode) {
	if old := findNode(*l, n.text); old != nil && len(n.kids) > 0 {
		for _, k := range n.kids {
			if findNode(old.kids, k.text) == nil {
				old.kids = append(old.kids, k)
			}
		}
		return
	}
	*l = append(*l, n)
}

// keepNo says whether a "no" line read in should be kept even when
// configuration mode stores nothing for it; the defaults the platforms
// print themselves are not.
func keepNo(m mode, text string) bool {
	if !strings.HasPrefix(text, "no ") {
		return false
	}
	if m == modeIf {
		switch text {
		case "no ip address", "no shutdown", "no switchport", "no negotiation auto":
			return false
		}
	}
	return true
}

// loadText reads a configuration into m, which starts from the chassis.
func (in *Instance) loadText(m *model, text string) error {
	if m.junos != nil {
		return loadJunos(m, text)
	}
	blocks, err := splitBlocks(text)
	if err != nil {
		return err
	}
	c := &cli{inst: in, priv: 15, mode: modeConfig, cand: m, loading: true}
	for _, b := range blocks {
		c.mode = modeConfig
		var before string
		if keepNo(modeConfig, b.text) {
			before = m.render()
		}
		p, _ := c.dispatch(b.text)
		if before != "" && p.err == errNone && c.mode == modeConfig && m.render() == before {
			m.editTop(func(l *[]*cnode) { *l = append(*l, &cnode{text: b.text, kids: b.kids}) })
			continue
		}
		if p.err != errNone || (c.mode == modeConfig && len(b.kids) > 0) {
			if p.err == errNone {
				// A known line with lines under it: keep those too.
				m.removeSection(b.text)
			}
			m.editTop(func(l *[]*cnode) { appendVerbatim(l, &cnode{text: b.text, kids: b.kids}) })
			continue
		}
		if c.mode == modeConfig {
			continue
		}
		inner := c.mode
		for _, k := range b.kids {
			c.mode = inner
			var before string
			if keepNo(inner, k.text) {
				before = m.render()
			}
			p, _ := c.dispatch(k.text)
			if before != "" && p.err == errNone && m.render() == before {
				// "no passive-interface X": a "no" line the device keeps.
				c.editTarget(func(l *[]*cnode) { *l = append(*l, k.clone()) })
				continue
			}
			if p.err != errNone || len(k.kids) > 0 || c.mode != inner {
				if p.err == errNone && c.mode == inner {
					c.editTarget(func(l *[]*cnode) { unsetLine(l, "", k.text) })
				}
				c.mode = inner
				c.editTarget(func(l *[]*cnode) { *l = append(*l, k.clone()) })
			}
		}
	}
	m.mu.Lock()
	for _, i := range m.ifaces {
		i.derive()
		if i.addr != "" {
			i.method = "NVRAM"
		}
	}
	m.mu.Unlock()
	return nil
}

func loadJunos(m *model, text string) error {
	set := false
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		set = strings.HasPrefix(t, "set ") || strings.HasPrefix(t, "delete ")
		break
	}
	if !set {
		m.mu.Lock()
		defer m.mu.Unlock()
		if err := parseCurly(m.junos, text); err != nil {
			return err
		}
		m.syncHost()
		return nil
	}
	for n, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(strings.TrimRight(l, "\r"))
		verb, rest, _ := strings.Cut(t, " ")
		switch verb {
		case "", "#":
			continue
		case "set", "delete":
			ws := jtokens(rest, 0)
			if len(ws) > 0 && ws[0].s == "version" {
				continue
			}
			if bad, _ := m.junosEdit(verb == "delete", ws); bad >= 0 {
				return lineErr(n, "syntax error: "+t)
			}
		default:
			if strings.HasPrefix(t, "#") {
				continue
			}
			return lineErr(n, "not a set command: "+t)
		}
	}
	return nil
}

// buildModel is the device's configuration at start: Device.Config, or the
// platform's factory configuration, with the device's hostname, enable
// secret and user on top when given.
func (in *Instance) buildModel(d Device, givenHost string) (*model, error) {
	m := newModel(d, in.plat)
	text := d.Config
	if text == "" {
		text = factoryConfig(in.plat, d)
	}
	if err := in.loadText(m, text); err != nil {
		return nil, fmt.Errorf("sim: %s: Config: %w", d.Hostname, err)
	}
	if givenHost != "" || m.hostname == "" {
		m.hostname = d.Hostname
		if m.junos != nil {
			jsetPath(m.junos, jtokens("system host-name "+junosQuote(d.Hostname), 0))
		}
	}
	if d.Enable != "" && m.junos == nil {
		m.setEnable(d.Enable)
	}
	m.startup = m.render()
	return m, nil
}

// factoryConfig is what a device shows when no Config is given.
func factoryConfig(p *platform, d Device) string {
	n := p.ifNumbers
	var b strings.Builder
	w := func(ls ...string) {
		for _, l := range ls {
			b.WriteString(l + "\n")
		}
	}
	switch p.name {
	case "cisco_iosxe", "cisco_ios":
		w("service timestamps debug datetime msec", "service timestamps log datetime msec",
			"boot-start-marker", "boot-end-marker", "no aaa new-model")
		if d.Username != "" {
			w("username " + d.Username + " privilege 15 secret 9 " + fakeHash(d.Password))
		}
		w("ip domain name lab.local",
			"interface "+p.loopback, " ip address 10.255.255.1 255.255.255.255",
			"interface "+p.ifPrefix+n[0], " description uplink to core", " ip address 192.168.100.1 255.255.255.0",
			"interface "+p.ifPrefix+n[1], " ip address 10.0.12.1 255.255.255.0",
			"interface "+p.ifPrefix+n[2], " shutdown",
			"ip forward-protocol nd", "no ip http server", "no ip http secure-server",
			"line con 0", " stopbits 1", "line vty 0 4", " login local", " transport input ssh")
	case "cisco_nxos":
		w("vrf context management",
			"interface "+p.loopback, "  ip address 10.255.255.1/32",
			"interface "+p.ifPrefix+n[0], "  description uplink to core", "  ip address 192.168.100.1/24",
			"interface "+p.ifPrefix+n[1], "  ip address 10.0.12.1/24",
			"interface "+p.ifPrefix+n[2], "  shutdown",
			"interface mgmt0", "  vrf member management",
			"line console", "line vty")
	case "arista_eos":
		w("no aaa root", "transceiver qsfp default-mode 4x10G", "service routing protocols model multi-agent",
			"spanning-tree mode mstp",
			"interface "+p.loopback, "   ip address 10.255.255.1/32",
			"interface "+p.ifPrefix+n[0], "   description uplink to core", "   ip address 192.168.100.1/24",
			"interface "+p.ifPrefix+n[1], "   ip address 10.0.12.1/24",
			"interface "+p.ifPrefix+n[2], "   shutdown",
			"ip routing")
	case "cisco_iosxr":
		w("interface "+p.loopback, " ipv4 address 10.255.255.1 255.255.255.255",
			"interface "+p.ifPrefix+n[0], " description uplink to core", " ipv4 address 192.168.100.1 255.255.255.0",
			"interface "+p.ifPrefix+n[1], " ipv4 address 10.0.12.1 255.255.255.0",
			"interface "+p.ifPrefix+n[2], " shutdown")
	case "juniper_junos":
		w("set system host-name "+junosQuote(d.Hostname), "set system services ssh",
			`set interfaces `+p.ifPrefix+n[0]+` description "uplink to core"`,
			"set interfaces "+p.ifPrefix+n[0]+" unit 0 family inet address 192.168.100.1/24",
			"set interfaces "+p.ifPrefix+n[1]+" unit 0 family inet address 10.0.12.1/24",
			"set interfaces "+p.ifPrefix+n[2]+" disable",
			"set interfaces lo0 unit 0 family inet address 10.255.255.1/32")
	}
	return b.String()
}

// save makes the running configuration the startup configuration (copy
// running-config startup-config, write memory; commit on IOS-XR and Junos).
func (in *Instance) save() {
	text := in.model.render()
	in.model.mu.Lock()
	in.model.startup = text
	in.model.mu.Unlock()
}

// StartupConfig returns the saved configuration, as RunningConfig prints
// it: the configuration the device started with until a copy
// running-config startup-config or write memory (a commit on IOS-XR and
// Junos) saves the running one.
func (in *Instance) StartupConfig() string {
	in.model.mu.Lock()
	defer in.model.mu.Unlock()
	return in.model.startup
}

// SetRunningConfig replaces the running configuration with text, as
// someone else changing the device out of band would: text is read as
// Device.Config is (IOS-family running-config text; Junos set commands or
// the brace form). The hostname is the text's if it has one; the enable
// secret stays unless the text sets another. Sessions in configuration
// mode on IOS-XR or Junos keep their candidates. The startup
// configuration is not changed.
func (in *Instance) SetRunningConfig(text string) error {
	m := newModel(in.dev, in.plat)
	cur := in.model.clone()
	m.hostname, m.enable, m.enableHash = cur.hostname, cur.enable, cur.enableHash
	if m.junos == nil {
		m.enableHash = "" // the text says whether there is one
	}
	if err := in.loadText(m, text); err != nil {
		return fmt.Errorf("sim: %s: SetRunningConfig: %w", cur.hostname, err)
	}
	if m.enableHash == "" {
		m.enable = ""
	} else if m.enable == "" && cur.enable != "" && fakeHash(cur.enable) == m.enableHash {
		m.enable = cur.enable
	}
	in.model.mu.Lock()
	in.model.replaceLocked(m)
	in.model.mu.Unlock()
	return nil
}

// rejects says whether the device refuses this configuration line
// (Device.RejectLines).
func (in *Instance) rejects(line string) bool {
	if len(in.reject) == 0 {
		return false
	}
	return in.reject[strings.TrimSpace(line)]
}
