package device

import (
	"fmt"
	"strings"
	"time"
)

// Cisco NX-OS: "r1# " prompts with a trailing space, login straight at "#"
// unless an enable secret is set, 2-space indented configuration with
// prefix-length addresses, "% Invalid command at '^' marker.".

var nxosIfTypes = []string{"Ethernet", "loopback", "mgmt", "port-channel", "Vlan"}

func init() {
	registerIOSFamily(&platform{
		name: "cisco_nxos", version: "9.3(8)", showVerFmt: showVersionNXOS,
		ifPrefix: "Ethernet", ifNumbers: []string{"1/1", "1/2", "1/3", "1/4"}, ifTypes: nxosIfTypes,
		loopback: "loopback0", mgmt: "mgmt0",
		loginPriv: nxosLoginPriv, prompt: nxosPrompt, errText: nxosErrText, render: renderNXOS,
	}, execCmds{
		termLength: number(0, 511), termWidth: number(24, 511),
		clock: showClockNXOS, ipBrief: showIPIntBriefNXOS,
		confT: nxosConfT, configure: nxosConfT,
		copyRunStart: nxosCopyRunStart,
	})
}

// nxosLoginPriv: straight to privileged exec unless an enable secret is set.
func nxosLoginPriv(d Device) int {
	if d.Enable != "" && !d.StartPrivileged {
		return 1
	}
	return 15
}

func nxosPrompt(c *cli) string { return modePrompt(c, c.inst.model.host(), " ", nil) }

func nxosErrText(c *cli, p parsed, line string) string {
	switch p.err {
	case errInvalid:
		return c.caretAt(p.at) + "% Invalid command at '^' marker.\n"
	case errAmbiguous:
		return c.caretAt(p.at) + "% Ambiguous command at '^' marker.\n"
	case errIncomplete:
		return c.caretAt(len(strings.TrimRight(line, " "))) + "% Incomplete command at '^' marker.\n"
	}
	return ""
}

func nxosConfT(c *cli, _ input) string {
	c.mode = modeConfig
	return "Enter configuration commands, one per line. End with CNTL/Z.\n"
}

// nxosCopyRunStart saves without asking, as NX-OS does.
func nxosCopyRunStart(c *cli, _ input) string {
	c.inst.save()
	return "[########################################] 100%\nCopy complete, now saving to disk (please wait)...\nCopy complete.\n"
}

func showClockNXOS(*cli, input) string {
	return time.Now().UTC().Format("15:04:05.000 MST Mon Jan 02 2006") + "\nTime source is NTP\n"
}

func showIPIntBriefNXOS(c *cli, _ input) string {
	const header = "IP Interface Status for VRF \"default\"(1)\nInterface            IP Address      Interface Status\n"
	return ifaceTable(c, header, func(i iface) string {
		if i.addr == "" || i.name == "mgmt0" {
			return ""
		}
		status, _ := upDown(i, "protocol-up/link-up/admin-up", "", "protocol-down/link-down/admin-down", "")
		typ, num := splitIfName(i.name)
		short := map[string]string{"Ethernet": "Eth", "loopback": "Lo", "port-channel": "Po", "Vlan": "Vlan"}[typ]
		if short == "" {
			short = typ
		}
		return fmt.Sprintf("%-20s %-15s %s\n", short+num, i.addr, status)
	})
}

func showVersionNXOS(host, up, board string, _ int) string {
	return `Cisco Nexus Operating System (NX-OS) Software
TAC support: http://www.cisco.com/tac
Documents: http://www.cisco.com/en/US/products/ps9372/tsd_products_support_series_home.html
Copyright (c) 2002-2021, Cisco Systems, Inc. All rights reserved.
The copyrights to certain works contained herein are owned by
other third parties and are used and distributed under license.
Some parts of this software are covered under the GNU Public
License. A copy of the license is available at
http://www.gnu.org/licenses/gpl.html.

Nexus 9000v is a demo version of the Nexus Operating System

Software
  BIOS: version 
 NXOS: version 9.3(8)
  BIOS compile time:  
  NXOS image file is: bootflash:///nxos.9.3.8.bin
  NXOS compile time:  8/18/2021 9:00:00 [08/18/2021 18:49:03]


Hardware
  cisco Nexus9000 C9300v Chassis 
  Intel(R) Xeon(R) CPU E5-2690 v4 @ 2.60GHz with 16409064 kB of memory.
  Processor Board ID ` + board + `

  Device name: ` + host + `
  bootflash: 4287040 kB
Kernel uptime is ` + up + `

Last reset 
  Reason: Unknown
  System version: 
  Service: 

plugin
  Core Plugin, Ethernet Plugin

Active Package(s):
 
`
}
