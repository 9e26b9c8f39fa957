package device

import (
	"fmt"
	"strings"
)

// platform is what differs between the CLIs the simulator plays: prompts,
// command trees, error texts, pager and how the running config reads. All
// platforms share one model of the device (hostname, interfaces, global
// lines) and the command-tree machinery; a platform is data plus a few hooks.
type platform struct {
	name      string
	version   string   // software version shown in the running config
	ifPrefix  string   // physical interfaces are ifPrefix + ifNumbers
	ifNumbers []string // the physical interface numbers
	loopback  string   // the loopback the model starts with
	mgmt      string   // a management interface, "" for none
	ifTypes   []string // interface types config mode knows, full names

	showVerFmt func(host, uptime, board string, nIfaces int) string

	exec    *node          // exec-mode tree
	modes   map[mode]*node // configuration-mode trees
	filters *node          // what may follow "|" on a show command

	// loginPriv is the privilege a session starts at.
	loginPriv func(d Device) int
	// prompt is the prompt for the session's mode and privilege.
	prompt func(c *cli) string
	// errText renders a line that did not parse.
	errText func(c *cli, p parsed, line string) string
	// runExec runs an exec line, pipes included; nil means IOS's.
	runExec func(c *cli, line string, toks []token) (parsed, string)
	// dispatch, when set, runs every line in every mode (Junos).
	dispatch func(c *cli, line string, toks []token) (parsed, string)
	// render writes the running configuration as the platform shows it.
	render func(m *model, b *strings.Builder)
	// banner is printed once at login, before the first prompt.
	banner string

	// more is the pager prompt, moreErase what wipes it.
	more, moreErase string
	// candidate: configuration changes go to a per-session candidate that
	// commit makes running (IOS-XR, Junos).
	candidate bool
}

var platforms = map[string]*platform{}

// registerIOSFamily registers p, a platform of the IOS family other than
// IOS itself (NX-OS, EOS), with what they share: exec's tree built from
// exec (show running-config printing the model when exec sets none), the
// configuration modes of iosTrees over p's interface types, and IOS's
// output filters.
func registerIOSFamily(p *platform, exec execCmds) {
	if exec.showRun == nil {
		exec.showRun = kw("running-config").does(showRunPlain)
	}
	p.exec = exec.tree()
	p.modes = iosTrees(p.name, ifArg(p.ifTypes))
	p.filters = filterTree
	register(p)
}

func register(p *platform) {
	if p.more == "" {
		p.more, p.moreErase = morePrompt, moreErase
	}
	if p.errText == nil {
		p.errText = iosErrText
	}
	if p.runExec == nil {
		p.runExec = iosRunExec
	}
	platforms[p.name] = p
}

func lookupPlatform(name string) (*platform, error) {
	if name == "" {
		name = "cisco_iosxe"
	}
	p, ok := platforms[name]
	if !ok {
		return nil, fmt.Errorf("sim: unsupported platform %q (%s)", name, strings.Join(Platforms(), ", "))
	}
	return p, nil
}

// trees lists every tree of the platform, for fault-knob matching.
func (p *platform) trees() []*node {
	out := []*node{p.exec}
	for _, m := range []mode{modeConfig, modeIf, modeLine, modeRouter, modeACL, modeVlan} {
		if t := p.modes[m]; t != nil {
			out = append(out, t)
		}
	}
	return out
}

// ifArg is an interface-name argument resolved against the platform's types.
func ifArg(types []string) func([]token) (string, int, bool) {
	return func(toks []token) (string, int, bool) { return normalizeIfTypes(toks, types) }
}

// caretAt is the column of position at of the typed line: the caret goes
// under it, counting the prompt's last line.
func (c *cli) caretAt(at int) string {
	p := c.promptUsed
	if i := strings.LastIndexByte(p, '\n'); i >= 0 {
		p = p[i+1:]
	}
	return strings.Repeat(" ", len(p)+at) + "^\n"
}

// Handlers shared by the platforms other than IOS.

// cidrArg is an address with a prefix length, "10.0.0.1/24".
func cidrArg(toks []token) (string, int, bool) {
	_, _, ok := parseCIDR(toks[0].s)
	return toks[0].s, 1, ok
}

// showRunPlain is show running-config on platforms that print the
// configuration with no preamble (NX-OS, EOS).
func showRunPlain(c *cli, _ input) string { return c.inst.model.render() }

// cmdConfigQuiet enters configuration mode without a word (EOS, IOS-XR).
func cmdConfigQuiet(c *cli, _ input) string {
	if c.inst.plat.candidate {
		c.cand = c.inst.model.clone()
	}
	c.mode = modeConfig
	return ""
}
