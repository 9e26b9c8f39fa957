package sim

import (
	"fmt"
	"strings"
	"time"
)

// Arista EOS: "r1>", "r1#", "r1(config)#", "r1(config-if-Et1)#"; enable with
// an optional secret; 3-space indented configuration; bare "% Invalid input"
// with no caret.

var eosIfTypes = []string{"Ethernet", "Loopback", "Management", "Port-Channel", "Vlan"}

func init() {
	ifn := ifArg(eosIfTypes)
	exec := kw("",
		kw("enable").does(cmdEnable),
		kw("disable").does(cmdDisable),
		kw("exit").does(cmdQuit),
		kw("logout").does(cmdQuit),
		kw("terminal",
			kw("length", arg(number(0, 32767)).does(cmdTermLength)),
			kw("width", arg(number(10, 32767)).does(cmdNothing)),
		),
		kw("show",
			kw("clock").does(showClockEOS),
			kw("version").does(showVersion),
			kw("users").does(showUsers),
			kw("running-config").does(showRunPlain).enabled(),
			kw("ip", kw("interface", kw("brief").does(showIPIntBriefEOS))),
		),
		kw("configure", kw("terminal").does(cmdConfigQuiet)).does(cmdConfigQuiet).enabled(),
		kw("copy", kw("running-config", kw("startup-config").does(eosCopy))).enabled(),
		kw("write", kw("memory").does(eosCopy)).does(eosCopy).enabled(),
		kw("ping", arg(ipv4).does(cmdPing)),
	)
	config := kw("",
		kw("no").negated(),
		kw("hostname", arg(word).does(cfgHostname)).undoes(cfgHostname),
		kw("interface", arg(ifn).does(cfgInterface)),
		kw("ntp", kw("server", arg(word).does(globalLine(3)))),
		kw("logging", kw("host", arg(word).does(globalLine(3)))),
		kw("ip", kw("routing").does(cmdNothing)),
		kw("exit").does(cfgExit),
		kw("end").does(cfgEnd),
	)
	ifc := kw("",
		kw("no").negated(),
		kw("description", restOfLine().does(ifDesc)).undoes(ifDesc),
		kw("ip", kw("address", addressArgs(ifAddrAny)...).undoes(ifAddrAny)),
		kw("shutdown").does(ifShutdown),
		kw("switchport").does(cmdNothing),
		kw("mtu", arg(number(68, 9214)).does(cmdNothing)),
		kw("exit").does(cfgExit),
		kw("end").does(cfgEnd),
	)
	register(&platform{
		name:       "arista_eos",
		version:    "4.28.3M",
		ifPrefix:   "Ethernet",
		ifNumbers:  []string{"1", "2", "3", "4"},
		loopback:   "Loopback0",
		mgmt:       "Management1",
		ifTypes:    eosIfTypes,
		showVerFmt: showVersionEOS,
		exec:       exec,
		modes:      map[mode]*node{modeConfig: config, modeIf: ifc},
		filters:    filterTree,
		loginPriv: func(d Device) int {
			if d.StartPrivileged {
				return 15
			}
			return 1
		},
		prompt:  eosPrompt,
		errText: eosErrText,
		render:  renderEOS,
	})
}

func eosPrompt(c *cli) string {
	h := c.srv.model.host()
	switch c.mode {
	case modeConfig:
		return h + "(config)#"
	case modeIf:
		return h + "(config-if-" + shortIf(c.ifName) + ")#"
	}
	if c.priv >= 15 {
		return h + "#"
	}
	return h + ">"
}

func eosErrText(_ *cli, p parsed, _ string) string {
	switch p.err {
	case errInvalid:
		return "% Invalid input\n"
	case errAmbiguous:
		return "% Ambiguous command\n"
	case errIncomplete:
		return "% Incomplete command\n"
	}
	return ""
}

func eosCopy(*cli, input) string { return "Copy completed successfully.\n" }

func showClockEOS(*cli, input) string {
	return time.Now().UTC().Format("Mon Jan _2 15:04:05 2006") + "\nTimezone: UTC\nClock source: local\n"
}

func showIPIntBriefEOS(c *cli, _ input) string {
	var b strings.Builder
	b.WriteString("                                                                            Address\n" +
		"Interface         IP Address            Status       Protocol           MTU    Owner\n" +
		"----------------- --------------------- ------------ -------------- ---------- -------\n")
	for _, i := range c.srv.model.snapshotIfaces() {
		if i.addr == "" {
			continue
		}
		status, proto := "up", "up"
		if i.shutdown {
			status, proto = "adminDown", "down"
		}
		mtu := 1500
		if strings.HasPrefix(i.name, "Loopback") {
			mtu = 65535
		}
		fmt.Fprintf(&b, "%-17s %-21s %-12s %-14s %10d\n", i.name, i.cidr(), status, proto, mtu)
	}
	return b.String()
}

func renderEOS(m *model, b *strings.Builder) {
	w := func(lines ...string) {
		for _, l := range lines {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	w("! Command: show running-config",
		"! device: "+m.hostname+" (vEOS-lab, EOS-"+m.plat.version+")",
		"!", "! boot system flash:/vEOS-lab.swi", "!", "no aaa root", "!",
		"transceiver qsfp default-mode 4x10G", "!", "service routing protocols model multi-agent", "!",
		"hostname "+m.hostname, "!")
	if g := globalLines(m); len(g) > 0 {
		w(g...)
		w("!")
	}
	w("spanning-tree mode mstp", "!")
	for _, i := range m.ifaces {
		w("interface " + i.name)
		if i.desc != "" {
			w("   description " + i.desc)
		}
		if i.shutdown {
			w("   shutdown")
		}
		if i.physical && !strings.HasPrefix(i.name, "Management") {
			w("   no switchport")
		}
		if i.addr != "" {
			w("   ip address " + i.cidr())
		}
		w("!")
	}
	w("ip routing", "!", "end")
}

func showVersionEOS(_, up, board string, _ int) string {
	return `Arista vEOS-lab
Hardware version: 
Serial number: ` + board + `
Hardware MAC address: 5254.0012.3456
System MAC address: 5254.0012.3456

Software image version: 4.28.3M
Architecture: x86_64
Internal build version: 4.28.3M-28837868.4283M
Internal build ID: 4e3bd9a5-7d3b-4d5f-a1ff-4f4c5e1f2c3b
Image format version: 1.0
Image optimization: None

Kernel version: 5.10.0

Uptime: ` + up + `
Total memory: 4001292 kB
Free memory: 2626060 kB

`
}
