package device

import (
	"strconv"
	"strings"
	"time"
)

// Juniper Junos: "user@r1> " at login; configure gives "[edit]" and
// "user@r1# " over a candidate that set and delete change and commit makes
// running; pipes (| match, | except, | count, | display set, | no-more);
// errors with a caret and "unknown command." or "syntax error".

const junosVersion = "20.4R3.8"

var junosExec, junosConfig, junosFilters *node

func init() {
	junosExec = kw("",
		kw("exit").does(cmdQuit),
		kw("quit").does(cmdQuit),
		kw("set", kw("cli",
			kw("screen-length", arg(number(0, 100000)).does(jScreenLength)),
			kw("screen-width", arg(number(0, 100000)).does(jScreenWidth)),
			kw("complete-on-space",
				kw("on").does(jCompleteOnSpace),
				kw("off").does(jCompleteOnSpace),
			),
		)),
		kw("show",
			kw("version").does(showVersion),
			kw("system", kw("uptime").does(showSystemUptime)),
			kw("configuration").does(showConfigJunos),
			kw("interfaces", kw("terse").does(showInterfacesTerse)),
		),
		kw("configure",
			kw("exclusive").does(jConfigure),
			kw("private").does(jConfigure),
		).does(jConfigure),
		kw("ping", arg(ipv4).does(cmdPing)),
	)
	junosConfig = kw("",
		kw("set", restOfLine().does(jSet)),
		kw("delete", restOfLine().does(jDelete)),
		kw("commit", kw("check").does(jCommitCheck)).does(jCommit),
		kw("rollback", arg(number(0, 0)).does(jRollback)).does(jRollback),
		kw("show").does(jShowCandidate),
		kw("top").does(cmdNothing),
		kw("exit", kw("configuration-mode").does(jExit)).does(jExit),
		kw("quit").does(jExit),
	)
	junosFilters = kw("",
		kw("match", restOfLine().does(cmdNothing)),
		kw("except", restOfLine().does(cmdNothing)),
		kw("count").does(cmdNothing),
		kw("no-more").does(cmdNothing),
		kw("display", kw("set").does(cmdNothing)),
	)
	register(&platform{
		name:       "juniper_junos",
		version:    junosVersion,
		ifPrefix:   "ge-",
		ifNumbers:  []string{"0/0/0", "0/0/1", "0/0/2", "0/0/3"},
		loopback:   "lo0",
		showVerFmt: showVersionJunos,
		exec:       junosExec,
		modes:      map[mode]*node{modeConfig: junosConfig},
		filters:    junosFilters,
		loginPriv:  func(Device) int { return 15 },
		prompt:     junosPrompt,
		errText:    junosErrText,
		dispatch:   junosDispatch,
		render:     renderJunos,
		banner:     "--- JUNOS " + junosVersion + " Kernel 64-bit  JNPR-12.1-20210618.f43645e_buil\n",
		more:       "---(more)---",
		moreErase:  "\r            \r",
		candidate:  true,
	})
}

func junosPrompt(c *cli) string {
	p := c.user + "@" + c.inst.model.host()
	if c.mode != modeExec {
		return "\r\n[edit]\r\n" + p + "# "
	}
	return p + "> "
}

// junosDispatch runs a line in either mode, with "run" reaching exec
// commands from configuration mode, and pipes applied in order.
func junosDispatch(c *cli, line string, toks []token) (parsed, string) {
	if len(toks) == 0 {
		return parsed{}, ""
	}
	tree := junosExec
	if c.mode != modeExec {
		if c.inst.rejects(line) {
			p := parsed{err: errInvalid, at: toks[len(toks)-1].pos}
			return p, c.errorText(p, line)
		}
		tree = junosConfig
		if toks[0].s == "run" {
			tree, toks = junosExec, toks[1:]
			if len(toks) == 0 {
				return parsed{err: errIncomplete}, c.errorText(parsed{err: errIncomplete}, line)
			}
		}
	}
	var segs [][]token
	start := 0
	for i, t := range toks {
		if t.s == "|" {
			segs = append(segs, toks[start:i])
			start = i + 1
		}
	}
	segs = append(segs, toks[start:])
	p := parse(tree, line, segs[0], c.priv)
	if p.err != errNone {
		return p, c.errorText(p, line)
	}
	var filters []parsed
	for _, seg := range segs[1:] {
		if len(seg) == 0 {
			return parsed{err: errIncomplete}, c.errorText(parsed{err: errIncomplete}, line)
		}
		fp := parse(junosFilters, line, seg, c.priv)
		if fp.err != errNone {
			return fp, c.errorText(fp, line)
		}
		switch fp.words[0] {
		case "no-more":
			c.noMore = true
		case "display":
			c.displaySet = true
		}
		filters = append(filters, fp)
	}
	out := p.run(c, p.in)
	for _, fp := range filters {
		switch fp.words[0] {
		case "match":
			out = filter(out, "include", strings.Trim(fp.in.args[0], `"`))
		case "except":
			out = filter(out, "exclude", strings.Trim(fp.in.args[0], `"`))
		case "count":
			out = "Count: " + strconv.Itoa(strings.Count(out, "\n")) + " lines\n"
		}
	}
	return p, out
}

func junosErrText(c *cli, p parsed, line string) string {
	toks := tokenize(line)
	// Junos puts the caret under the start of the offending word.
	at, first := len(strings.TrimRight(line, " ")), false
	for i, t := range toks {
		if p.at >= t.pos && p.at < t.pos+len(t.s) {
			at, first = t.pos, i == 0
			break
		}
	}
	switch p.err {
	case errInvalid:
		if first {
			return c.caretAt(at) + "unknown command.\n"
		}
		if c.mode != modeExec {
			return c.caretAt(at) + "syntax error.\n"
		}
		return c.caretAt(at) + "syntax error, expecting <command>.\n"
	case errAmbiguous:
		word := line[at:]
		if i := strings.IndexByte(word, ' '); i >= 0 {
			word = word[:i]
		}
		return c.caretAt(at) + "'" + word + "' is ambiguous.\n"
	case errIncomplete:
		return c.caretAt(at) + "syntax error, expecting <command>.\n"
	}
	return ""
}

func jScreenLength(c *cli, in input) string {
	cmdTermLength(c, in)
	return "Screen length set to " + in.args[0] + "\n"
}

func jScreenWidth(_ *cli, in input) string { return "Screen width set to " + in.args[0] + "\n" }

func jCompleteOnSpace(_ *cli, in input) string {
	if in.words[len(in.words)-1] == "off" {
		return "Disabling complete-on-space\n"
	}
	return "Enabling complete-on-space\n"
}

func jConfigure(c *cli, _ input) string {
	c.cand, c.mode = c.inst.model.clone(), modeConfig
	return "Entering configuration mode\n"
}

func jCommit(c *cli, _ input) string {
	c.inst.model.commit(c.cand)
	c.inst.save()
	c.cand = c.inst.model.clone()
	return "commit complete\n"
}

func jCommitCheck(*cli, input) string { return "configuration check succeeds\n" }

func jRollback(c *cli, _ input) string {
	c.cand = c.inst.model.clone()
	return "load complete\n"
}

// jExit leaves configuration mode, asking first when changes are pending.
func jExit(c *cli, _ input) string {
	if c.dirty() {
		ans, ok := c.ask("The configuration has been changed but not committed\r\nExit with uncommitted changes? [yes,no] (yes) ")
		if !ok {
			return ""
		}
		if ans != "" && ans != "yes" && ans != "y" {
			return ""
		}
	}
	c.cand, c.mode = nil, modeExec
	return "Exiting configuration mode\n\n"
}

func jShowCandidate(c *cli, _ input) string {
	if c.displaySet {
		return c.cfg().junosSet()
	}
	return c.cfg().render()
}

func showConfigJunos(c *cli, _ input) string {
	if c.displaySet {
		return c.inst.model.junosSet()
	}
	return "## Last commit: 2024-01-01 00:00:00 UTC by " + c.user + "\n" + c.inst.model.render()
}

// curly writes the statements in Junos's brace form.
func (s *jstmt) curly(b *strings.Builder, depth int) {
	for _, k := range s.kids {
		b.WriteString(strings.Repeat("    ", depth))
		if k.leaf {
			b.WriteString(k.name + ";\n")
			continue
		}
		b.WriteString(k.name + " {\n")
		k.curly(b, depth+1)
		b.WriteString(strings.Repeat("    ", depth) + "}\n")
	}
}

// setForm is "| display set": one set command per leaf.
func (s *jstmt) setForm() string {
	var b strings.Builder
	var walk func(s *jstmt, path string)
	walk = func(s *jstmt, path string) {
		for _, k := range s.kids {
			if k.leaf {
				b.WriteString("set " + path + k.name + "\n")
			} else {
				walk(k, path+k.name+" ")
			}
		}
	}
	walk(s, "")
	return b.String()
}

func renderJunos(m *model, b *strings.Builder) {
	b.WriteString("version " + m.plat.version + ";\n")
	m.junos.curly(b, 0)
}

func showSystemUptime(c *cli, _ input) string {
	now := time.Now().UTC()
	up := now.Sub(c.inst.started).Truncate(time.Second)
	h, mnt := int(up.Hours()), int(up.Minutes())%60
	boot := c.inst.started.UTC().Format("2006-01-02 15:04:05 MST")
	ago := strconv.Itoa(h) + ":" + twoDigits(mnt) + ":" + twoDigits(int(up.Seconds())%60)
	return "Current time: " + now.Format("2006-01-02 15:04:05 MST") + "\n" +
		"Time Source:  LOCAL CLOCK \n" +
		"System booted: " + boot + " (" + ago + " ago)\n" +
		"Protocols started: " + boot + " (" + ago + " ago)\n" +
		now.Format("3:04PM") + "  up " + strconv.Itoa(h) + ":" + twoDigits(mnt) + ", 1 user, load averages: 0.00, 0.00, 0.00\n"
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func showInterfacesTerse(c *cli, _ input) string {
	var b strings.Builder
	b.WriteString("Interface               Admin Link Proto    Local                 Remote\n")
	row := func(name, admin, link, proto, local string) {
		line := padRight(name, 24) + padRight(admin, 6) + padRight(link, 5) + padRight(proto, 9) + local
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	for _, i := range c.inst.model.snapshotIfaces() {
		admin, link := "up", "up"
		if i.shutdown {
			admin, link = "down", "down"
		}
		row(i.name, admin, link, "", "")
		if i.addr != "" {
			row(i.name+".0", admin, link, "inet", i.cidr())
		}
	}
	return b.String()
}

func padRight(s string, n int) string {
	if len(s) >= n {
		return s + " "
	}
	return s + strings.Repeat(" ", n-len(s))
}

func showVersionJunos(host, _, board string, _ int) string {
	return "Hostname: " + host + `
Model: vmx
Junos: ` + junosVersion + `
JUNOS OS Kernel 64-bit  [20210618.f43645e_builder_stable_11]
JUNOS OS libs [20210618.f43645e_builder_stable_11]
JUNOS OS runtime [20210618.f43645e_builder_stable_11]
JUNOS OS time zone information [20210618.f43645e_builder_stable_11]
JUNOS network stack and utilities [20210722.062035_builder_junos_204_r3]
JUNOS libs [20210722.062035_builder_junos_204_r3]
JUNOS OS libs compat32 [20210618.f43645e_builder_stable_11]
JUNOS OS 32-bit compatibility [20210618.f43645e_builder_stable_11]
JUNOS libs compat32 [20210722.062035_builder_junos_204_r3]
JUNOS runtime [20210722.062035_builder_junos_204_r3]
JUNOS Packet Forwarding Engine Simulation Package [20210722.062035_builder_junos_204_r3]
JUNOS sflow mx [20210722.062035_builder_junos_204_r3]
JUNOS py extensions [20210722.062035_builder_junos_204_r3]
JUNOS py base [20210722.062035_builder_junos_204_r3]
JUNOS OS vmguest [20210618.f43645e_builder_stable_11]
JUNOS OS crypto [20210618.f43645e_builder_stable_11]
JUNOS Kernel Software Suite [20210722.062035_builder_junos_204_r3]
JUNOS Routing Software Suite [20210722.062035_builder_junos_204_r3]
Serial number: VM` + board + "\n"
}
