package device

import (
	"fmt"
	"strings"
	"time"
)

// Cisco IOS-XR: "RP/0/RP0/CPU0:r1#" at login (no enable), and a candidate
// configuration: changes are not running until commit, abort drops them,
// and end or exit with changes pending asks what to do.

var xrIfTypes = []string{"GigabitEthernet", "TenGigE", "Loopback", "MgmtEth", "Bundle-Ether"}

// xrUncommitted is the question XR asks when leaving with changes pending.
const xrUncommitted = "Uncommitted changes found, commit them before exiting(yes/no/cancel)? [cancel]:"

func init() {
	ifn := ifArg(xrIfTypes)
	show := func(extra ...*node) *node {
		return kw("show", append([]*node{
			kw("clock").does(showClockXR),
			kw("version").does(showVersion),
			kw("users").does(showUsers),
			kw("running-config").does(showRunXR),
			kw("ip", kw("interface", kw("brief").does(showIPIntBriefXR))),
			kw("ipv4", kw("interface", kw("brief").does(showIPIntBriefXR))),
		}, extra...)...)
	}
	exec := kw("",
		kw("exit").does(cmdQuit),
		kw("logout").does(cmdQuit),
		kw("terminal",
			kw("length", arg(number(0, 512)).does(cmdTermLength)),
			kw("width", arg(number(0, 512)).does(cmdNothing)),
		),
		show(),
		kw("configure",
			kw("terminal").does(cmdConfigQuiet),
			kw("exclusive").does(cmdConfigQuiet),
		).does(cmdConfigQuiet),
		kw("ping", arg(ipv4).does(cmdPing)),
	)
	modes := iosTrees("cisco_iosxr", ifn)
	for _, t := range modes {
		for _, k := range t.kids {
			switch k.word {
			case "exit":
				k.run = xrExit
			case "end":
				k.run = xrEnd
			}
		}
		t.kids = append(t.kids,
			kw("commit").does(xrCommit),
			kw("abort").does(xrAbort),
			show(kw("configuration").does(showCandidateXR)),
		)
	}
	register(&platform{
		name:       "cisco_iosxr",
		version:    "7.3.2",
		ifPrefix:   "GigabitEthernet",
		ifNumbers:  []string{"0/0/0/0", "0/0/0/1", "0/0/0/2", "0/0/0/3"},
		loopback:   "Loopback0",
		mgmt:       "MgmtEth0/RP0/CPU0/0",
		ifTypes:    xrIfTypes,
		showVerFmt: showVersionXR,
		exec:       exec,
		modes:      modes,
		filters:    filterTree,
		loginPriv:  func(Device) int { return 15 },
		prompt:     xrPrompt,
		render:     renderXR,
		candidate:  true,
	})
}

func xrPrompt(c *cli) string {
	// No enable on XR: a session is always at privilege 15, so r1#.
	return modePrompt(c, "RP/0/RP0/CPU0:"+c.inst.model.host(), "", func(c *cli) (string, bool) {
		if c.mode != modeRouter {
			return "", false
		}
		return "config-" + strings.Fields(c.section)[1], true
	})
}

func xrCommit(c *cli, _ input) string {
	if !c.dirty() {
		return "% No configuration changes to commit.\n"
	}
	c.inst.model.commit(c.cand)
	c.inst.save()
	c.cand = c.inst.model.clone()
	return ""
}

// xrAbort drops the candidate and leaves configuration mode.
func xrAbort(c *cli, _ input) string {
	c.cand, c.mode = nil, modeExec
	return ""
}

// xrEnd leaves configuration mode, asking first when changes are pending.
func xrEnd(c *cli, _ input) string {
	if c.dirty() {
		ans, ok := c.ask(xrUncommitted)
		if !ok {
			return ""
		}
		switch {
		case ans == "yes" || ans == "y":
			c.inst.model.commit(c.cand)
			c.inst.save()
		case ans == "no" || ans == "n":
		default: // cancel, or Enter for the default: stay
			return ""
		}
	}
	c.cand, c.mode = nil, modeExec
	return ""
}

func xrExit(c *cli, in input) string {
	if c.mode != modeConfig {
		c.mode = modeConfig
		return ""
	}
	return xrEnd(c, in)
}

func showRunXR(c *cli, _ input) string { return "Building configuration...\n" + c.inst.model.render() }

func showCandidateXR(c *cli, _ input) string {
	return "Building configuration...\n" + c.cfg().render()
}

func showClockXR(*cli, input) string {
	return time.Now().UTC().Format("15:04:05.000 MST Mon Jan 2 2006") + "\n"
}

func showIPIntBriefXR(c *cli, _ input) string {
	return ifaceTable(c, "\nInterface                      IP-Address      Status          Protocol Vrf-Name\n", func(i iface) string {
		status, proto := upDown(i, "Up", "Up", "Shutdown", "Down")
		return fmt.Sprintf("%-30s %-15s %-15s %-8s default \n", i.name, unassigned(i.addr), status, proto)
	})
}

func showVersionXR(host, up, _ string, _ int) string {
	return `Cisco IOS XR Software, Version 7.3.2
Copyright (c) 2013-2021 by Cisco Systems, Inc.

Build Information:
 Built By     : ingunawa
 Built On     : Wed Oct 13 20:00:09 PDT 2021
 Built Host   : iox-ucs-017
 Workspace    : /auto/srcarchive17/prod/7.3.2/xrv9k/ws
 Version      : 7.3.2
 Location     : /opt/cisco/XR/packages/
 Label        : 7.3.2

cisco IOS-XRv 9000 () processor
System uptime is ` + up + `

`
}
