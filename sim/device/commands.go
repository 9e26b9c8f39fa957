package device

import (
	"regexp"
	"strconv"
	"strings"
)

// IOS's command trees, one per mode. They are built in init because their
// handlers reach the cli, whose dispatch reaches the trees.
var execTree, filterTree *node

func init() {
	buildIOSTrees()
	for _, p := range []*platform{
		{name: "cisco_iosxe", version: "17.3", ifNumbers: []string{"1", "2", "3", "4"}, showVerFmt: showVersionXE},
		{name: "cisco_ios", version: "15.9", ifNumbers: []string{"0/0", "0/1", "0/2", "0/3"}, showVerFmt: showVersionIOS},
	} {
		p.ifPrefix, p.loopback, p.ifTypes = "GigabitEthernet", "Loopback0", iosIfTypes
		p.exec, p.filters = execTree, filterTree
		p.modes = iosTrees(p.name, ifName)
		p.loginPriv = iosLoginPriv
		p.prompt = iosPrompt
		p.render = renderIOS
		register(p)
	}
}

// execCmds is what differs between the exec trees of IOS, NX-OS and EOS;
// tree builds the rest, which they share.
type execCmds struct {
	termLength, termWidth  func([]token) (string, int, bool)
	logout                 bool
	clock, ipBrief         handler
	showRun                *node   // show running-config, enabled by tree
	show                   []*node // further show commands
	confT, configure       handler // configure terminal, bare configure
	copyRunStart, writeMem handler // writeMem nil: no write command
	more                   []*node // further exec commands
}

func (e execCmds) tree() *node {
	kids := []*node{
		kw("enable").does(cmdEnable),
		kw("disable").does(cmdDisable),
		kw("exit").does(cmdQuit),
		kw("terminal",
			kw("length", arg(e.termLength).does(cmdTermLength)),
			kw("width", arg(e.termWidth).does(cmdNothing)),
		),
		kw("show", append([]*node{
			kw("clock").does(e.clock),
			kw("version").does(showVersion),
			kw("users").does(showUsers),
			e.showRun.enabled(),
			kw("ip", kw("interface", kw("brief").does(e.ipBrief))),
		}, e.show...)...),
		kw("configure", kw("terminal").does(e.confT)).does(e.configure).enabled(),
		kw("ping", arg(ipv4).does(cmdPing)),
		kw("copy", kw("running-config", kw("startup-config").does(e.copyRunStart))).enabled(),
	}
	if e.logout {
		kids = append(kids, kw("logout").does(cmdQuit))
	}
	if e.writeMem != nil {
		kids = append(kids, kw("write", kw("memory").does(e.writeMem)).does(e.writeMem).enabled())
	}
	return kw("", append(kids, e.more...)...)
}

// iosLoginPriv: a session starts at r1> unless the device starts
// privileged.
func iosLoginPriv(d Device) int {
	if d.StartPrivileged {
		return 15
	}
	return 1
}

func buildIOSTrees() {
	execTree = execCmds{
		termLength: number(0, 512), termWidth: number(0, 512), logout: true,
		clock: showClock, ipBrief: showIPIntBrief,
		showRun: kw("running-config", kw("interface", arg(ifName).does(showRunIf))).does(showRun),
		show:    []*node{kw("interfaces", kw("description").does(showIntDesc))},
		confT:   cmdConfT, configure: cmdConfigure,
		copyRunStart: cmdCopyRunStart, writeMem: cmdWrite,
		more: []*node{
			kw("reload",
				kw("in", arg(number(1, 14400)).does(cmdReloadIn)),
				kw("cancel").does(cmdReloadCancel),
			).enabled(),
			kw("clear", kw("counters").does(cmdClearCounters)).enabled(),
		},
	}.tree()

	filterTree = kw("",
		kw("include", restOfLine().does(cmdNothing)),
		kw("exclude", restOfLine().does(cmdNothing)),
		kw("begin", restOfLine().does(cmdNothing)),
		kw("section", restOfLine().does(cmdNothing)),
		kw("count", restOfLine().does(cmdNothing)),
	)
}

// dispatch resolves and runs one line in the session's current mode.
func (c *cli) dispatch(line string) (parsed, string) {
	c.curLine = line
	toks := tokenize(line)
	if d := c.inst.plat.dispatch; d != nil {
		return d(c, line, toks)
	}
	if c.mode == modeExec || len(toks) == 0 {
		return c.inst.plat.runExec(c, line, toks)
	}
	if strings.EqualFold(toks[0].s, "do") {
		if len(toks) == 1 {
			return parsed{err: errIncomplete}, c.errorText(parsed{err: errIncomplete}, line)
		}
		return c.inst.plat.runExec(c, line, toks[1:])
	}
	if !c.loading && c.inst.rejects(line) {
		p := parsed{err: errInvalid, at: toks[0].pos}
		return p, c.errorText(p, line)
	}
	top := c.inst.plat.modes[modeConfig]
	tree := c.modeTree()
	p := parse(tree, line, toks, c.priv)
	if p.err == errInvalid && tree != top && !c.loading {
		// IOS tries a command the sub-mode does not know in global
		// configuration, and stays there if it works (hostname in config-if).
		if g := parse(top, line, toks, c.priv); g.err == errNone {
			c.mode = modeConfig
			p = g
		}
	}
	if p.err != errNone {
		return p, c.errorText(p, line)
	}
	return p, p.run(c, p.in)
}

func (c *cli) modeTree() *node {
	if t := c.inst.plat.modes[c.mode]; t != nil {
		return t
	}
	return c.inst.plat.modes[modeConfig]
}

// iosRunExec runs an exec command, with an output filter after "|" for show.
func iosRunExec(c *cli, line string, toks []token) (parsed, string) {
	cmd, filt := toks, []token(nil)
	for i, t := range toks {
		if t.s == "|" {
			cmd, filt = toks[:i], toks[i+1:]
			break
		}
	}
	p := parse(c.inst.plat.exec, line, cmd, c.priv)
	if p.err != errNone {
		return p, c.errorText(p, line)
	}
	var fp parsed
	if filt != nil {
		if p.words[0] != "show" {
			p.err, p.at = errInvalid, toks[len(cmd)].pos
			return p, c.errorText(p, line)
		}
		if fp = parse(c.inst.plat.filters, line, filt, c.priv); fp.err != errNone {
			return fp, c.errorText(fp, line)
		}
	}
	out := p.run(c, p.in)
	if filt != nil {
		out = filter(out, fp.words[0], fp.in.args[0])
	}
	return p, out
}

func (c *cli) errorText(p parsed, line string) string {
	return c.inst.plat.errText(c, p, line)
}

// iosErrText is how IOS and IOS-XR reject a line.
func iosErrText(c *cli, p parsed, line string) string {
	switch p.err {
	case errInvalid:
		return c.caretAt(p.at) + "% Invalid input detected at '^' marker.\n\n"
	case errAmbiguous:
		return "% Ambiguous command:  \"" + strings.TrimSpace(line) + "\"\n"
	case errIncomplete:
		return "% Incomplete command.\n\n"
	}
	return ""
}

// invalid is the platform's rejection with the caret under column at of
// the line.
func (c *cli) invalid(at int) string {
	return c.inst.plat.errText(c, parsed{err: errInvalid, at: at}, "")
}

// filter applies "| include" and friends to show output.
func filter(out, how, expr string) string {
	re, err := regexp.Compile(expr)
	if err != nil {
		re = regexp.MustCompile(regexp.QuoteMeta(expr))
	}
	lines := strings.SplitAfter(out, "\n")
	var b strings.Builder
	n := 0
	begun, inSection := false, false
	for _, l := range lines {
		if l == "" {
			continue
		}
		text := strings.TrimRight(l, "\n")
		m := re.MatchString(text)
		keep := false
		switch how {
		case "include":
			keep = m
		case "exclude":
			keep = !m
		case "begin":
			begun = begun || m
			keep = begun
		case "section":
			indented := strings.HasPrefix(text, " ")
			if !indented {
				inSection = m
			}
			keep = inSection || (indented && m)
		case "count":
			if m {
				n++
			}
		}
		if keep {
			b.WriteString(l)
		}
	}
	if how == "count" {
		return "Number of lines which match regexp = " + strconv.Itoa(n) + "\n"
	}
	return b.String()
}

// Exec handlers.

func cmdNothing(*cli, input) string { return "" }

func cmdQuit(c *cli, _ input) string {
	c.quit = true
	return ""
}

func cmdDisable(c *cli, _ input) string {
	c.priv = 1
	return ""
}

// cmdEnable asks for the secret up to three times, without echo, as IOS does.
func cmdEnable(c *cli, _ input) string {
	secret := c.inst.model.enableSecret()
	if c.priv >= 15 || secret == "" {
		c.priv = 15
		return ""
	}
	for range 3 {
		c.put("Password: ")
		pw, ok := c.readLine(false)
		if !ok {
			c.quit = true
			return ""
		}
		if pw == secret {
			c.priv = 15
			return ""
		}
	}
	return "% Bad secrets\n\n"
}

func cmdTermLength(c *cli, in input) string {
	c.termLen, _ = strconv.Atoi(in.args[0])
	return ""
}

func cmdConfT(c *cli, _ input) string {
	c.mode = modeConfig
	return "Enter configuration commands, one per line.  End with CNTL/Z.\n"
}

// cmdConfigure is bare "configure": IOS asks where from, a confirmation
// prompt that catches clients which only wait for the device prompt.
func cmdConfigure(c *cli, _ input) string {
	c.put("Configuring from terminal, memory, or network [terminal]? ")
	ans, ok := c.readLine(true)
	if !ok {
		c.quit = true
		return ""
	}
	ans = strings.ToLower(strings.TrimSpace(ans))
	if ans == "" || strings.HasPrefix("terminal", ans) {
		return cmdConfT(c, input{})
	}
	return "?Must be \"terminal\", \"memory\" or \"network\"\n"
}

func cmdPing(_ *cli, in input) string {
	return "Type escape sequence to abort.\n" +
		"Sending 5, 100-byte ICMP Echos to " + in.args[0] + ", timeout is 2 seconds:\n" +
		"!!!!!\n" +
		"Success rate is 100 percent (5/5), round-trip min/avg/max = 1/1/2 ms\n"
}

func cmdWrite(c *cli, _ input) string {
	c.inst.save()
	return "Building configuration...\n[OK]\n"
}

// canonicalSet resolves fault-knob commands to their canonical form, so
// "sh ver" in HangOn matches a typed "show version" and the other way round.
func canonicalSet(plat *platform, cmds []string) map[string]bool {
	set := make(map[string]bool, len(cmds))
	for _, cmd := range cmds {
		set[rawKey(cmd)] = true
		toks := tokenize(cmd)
		if len(toks) == 0 {
			continue
		}
		for _, tree := range plat.trees() {
			if p := parse(tree, cmd, toks, 15); p.err == errNone {
				set[p.canonical()] = true
			}
		}
	}
	return set
}

// rawKey is how a line that did not parse is matched against fault knobs.
func rawKey(line string) string {
	return strings.ToLower(strings.Join(strings.Fields(line), " "))
}
