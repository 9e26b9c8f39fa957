package device

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
	registerIOSFamily(&platform{
		name: "arista_eos", version: "4.28.3M", showVerFmt: showVersionEOS,
		ifPrefix: "Ethernet", ifNumbers: []string{"1", "2", "3", "4"}, ifTypes: eosIfTypes,
		loopback: "Loopback0", mgmt: "Management1",
		loginPriv: iosLoginPriv, prompt: eosPrompt, errText: eosErrText, render: renderEOS,
	}, execCmds{
		termLength: number(0, 32767), termWidth: number(10, 32767), logout: true,
		clock: showClockEOS, ipBrief: showIPIntBriefEOS,
		confT: cmdConfigQuiet, configure: cmdConfigQuiet,
		copyRunStart: eosCopy, writeMem: eosCopy,
	})
}

func eosPrompt(c *cli) string {
	return modePrompt(c, c.inst.model.host(), "", func(c *cli) (string, bool) {
		switch c.mode {
		case modeIf:
			return "config-if-" + shortIf(c.ifName), true
		case modeRouter:
			return "config-router-" + strings.Fields(c.section)[1], true
		case modeACL:
			return "config-acl-" + strings.Fields(c.section)[2], true
		case modeVlan:
			return "config-vlan-" + strings.Fields(c.section)[1], true
		}
		return "", false
	})
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

func eosCopy(c *cli, _ input) string {
	c.inst.save()
	return "Copy completed successfully.\n"
}

func showClockEOS(*cli, input) string {
	return time.Now().UTC().Format("Mon Jan _2 15:04:05 2006") + "\nTimezone: UTC\nClock source: local\n"
}

func showIPIntBriefEOS(c *cli, _ input) string {
	const header = "                                                                            Address\n" +
		"Interface         IP Address            Status       Protocol           MTU    Owner\n" +
		"----------------- --------------------- ------------ -------------- ---------- -------\n"
	return ifaceTable(c, header, func(i iface) string {
		if i.addr == "" {
			return ""
		}
		status, proto := upDown(i, "up", "up", "adminDown", "down")
		mtu := 1500
		if strings.HasPrefix(i.name, "Loopback") {
			mtu = 65535
		}
		return fmt.Sprintf("%-17s %-21s %-12s %-14s %10d\n", i.name, i.cidr(), status, proto, mtu)
	})
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
