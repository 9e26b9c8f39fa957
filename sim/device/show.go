package device

import (
	"fmt"
	"hash/fnv"
	"net"
	"strconv"
	"strings"
	"time"
)

// The show commands print what IOS prints, column for column where clients
// parse it (TextFSM templates, netmiko's use_textfsm).

func showClock(*cli, input) string {
	// The leading "*" is IOS saying the clock is not NTP-synchronised.
	return time.Now().UTC().Format("*15:04:05.000 MST Mon Jan 2 2006") + "\n"
}

func showVersion(c *cli, _ input) string {
	host := c.inst.model.host()
	h := fnv.New32a()
	h.Write([]byte(host))
	board := fmt.Sprintf("9%X", h.Sum32())
	phys := 0
	for _, i := range c.inst.model.snapshotIfaces() {
		if i.physical {
			phys++
		}
	}
	return c.inst.plat.showVerFmt(host, uptime(time.Since(c.inst.started)), board, phys)
}

// uptime formats a duration as IOS does: "1 week, 2 days, 3 hours, 4 minutes".
func uptime(d time.Duration) string {
	m := int(d.Minutes())
	parts := []struct {
		n    int
		unit string
	}{{m / (7 * 24 * 60), "week"}, {m / (24 * 60) % 7, "day"}, {m / 60 % 24, "hour"}, {m % 60, "minute"}}
	var out []string
	for _, p := range parts {
		if p.n == 0 {
			continue
		}
		s := strconv.Itoa(p.n) + " " + p.unit
		if p.n > 1 {
			s += "s"
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return "0 minutes"
	}
	return strings.Join(out, ", ")
}

const cryptoNotice = `This product contains cryptographic features and is subject to United
States and local country laws governing import, export, transfer and
use. Delivery of Cisco cryptographic products does not imply
third-party authority to import, export, distribute or use encryption.
Importers, exporters, distributors and users are responsible for
compliance with U.S. and local country laws. By using this product you
agree to comply with applicable laws and regulations. If you are unable
to comply with U.S. and local laws, return this product immediately.

A summary of U.S. laws governing Cisco cryptographic products may be found at:
http://www.cisco.com/wwl/export/crypto/tool/stqrg.html

If you require further assistance please contact us by sending email to
export@cisco.com.
`

func showVersionXE(host, up, board string, nIfaces int) string {
	return `Cisco IOS XE Software, Version 17.03.04a
Cisco IOS Software [Amsterdam], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.3.4a, RELEASE SOFTWARE (fc3)
Technical Support: http://www.cisco.com/techsupport
Copyright (c) 1986-2021 by Cisco Systems, Inc.
Compiled Tue 20-Jul-21 04:59 by mcpre


Cisco IOS-XE software, Copyright (c) 2005-2021 by cisco Systems, Inc.
All rights reserved.  Certain components of Cisco IOS-XE software are
licensed under the GNU General Public License ("GPL") Version 2.0.  The
software code licensed under GPL Version 2.0 is free software that comes
with ABSOLUTELY NO WARRANTY.  You can redistribute and/or modify such
GPL code under the terms of GPL Version 2.0.  For more details, see the
documentation or "License Notice" file accompanying the IOS-XE software,
or the applicable URL provided on the flyer accompanying the IOS-XE
software.


ROM: IOS-XE ROMMON

` + host + ` uptime is ` + up + `
Uptime for this control processor is ` + up + `
System returned to ROM by reload
System image file is "bootflash:packages.conf"
Last reload reason: reload



` + cryptoNotice + `
License Level: ax
License Type: N/A(Smart License Enabled)
Next reload license Level: ax

The current throughput level is 1000 kbps


Smart Licensing Status: UNREGISTERED/No Licenses in Use

cisco CSR1000V (VXE) processor (revision VXE) with 2071829K/3075K bytes of memory.
Processor board ID ` + board + `
Router operating mode: Autonomous
` + strconv.Itoa(nIfaces) + ` Gigabit Ethernet interfaces
32768K bytes of non-volatile configuration memory.
3978436K bytes of physical memory.
6188032K bytes of virtual hard disk at bootflash:.

Configuration register is 0x2102

`
}

func showVersionIOS(host, up, board string, nIfaces int) string {
	return `Cisco IOS Software, IOSv Software (VIOS-ADVENTERPRISEK9-M), Version 15.9(3)M4, RELEASE SOFTWARE (fc3)
Technical Support: http://www.cisco.com/techsupport
Copyright (c) 1986-2021 by Cisco Systems, Inc.
Compiled Thu 28-Oct-21 16:07 by prod_rel_team


ROM: Bootstrap program is IOSv

` + host + ` uptime is ` + up + `
System returned to ROM by reload
System image file is "flash0:/vios-adventerprisek9-m"
Last reload reason: Unknown reason



` + cryptoNotice + `
Cisco IOSv (revision 1.0) with  with 460137K/62464K bytes of memory.
Processor board ID ` + board + `
` + strconv.Itoa(nIfaces) + ` Gigabit Ethernet interfaces
DRAM configuration is 72 bits wide with parity disabled.
256K bytes of non-volatile configuration memory.
2097152K bytes of ATA System CompactFlash 0 (Read/Write)
0K bytes of ATA CD-ROM 0 (Read/Write)

Configuration register is 0x0

`
}

func showRun(c *cli, _ input) string {
	body := c.inst.model.render()
	return "Building configuration...\n\nCurrent configuration : " + strconv.Itoa(len(body)) + " bytes\n" + body
}

// showRunIf prints one interface's block, as "show running-config
// interface Gi1" does.
func showRunIf(c *cli, in input) string {
	body := c.inst.model.render()
	start := strings.Index(body, "\ninterface "+in.args[0]+"\n")
	if start < 0 {
		return c.invalid(in.pos[0])
	}
	block := body[start+1:]
	block = block[:strings.Index(block, "\n!\n")+1]
	text := "!\n" + block + "end\n"
	return "Building configuration...\n\nCurrent configuration : " + strconv.Itoa(len(text)) + " bytes\n" + text
}

func showIPIntBrief(c *cli, _ input) string {
	return ifaceTable(c, "Interface              IP-Address      OK? Method Status                Protocol\n", func(i iface) string {
		status, proto := upDown(i, "up", "up", "administratively down", "down")
		return fmt.Sprintf("%-22s %-15s YES %-6s %-21s %s\n", i.name, unassigned(i.addr), i.method, status, proto)
	})
}

// ifaceTable is a show command's table: header, then each interface's row
// ("" leaves it out).
func ifaceTable(c *cli, header string, row func(i iface) string) string {
	var b strings.Builder
	b.WriteString(header)
	for _, i := range c.inst.model.snapshotIfaces() {
		b.WriteString(row(i))
	}
	return b.String()
}

// upDown is an interface's status and protocol as a platform words them.
func upDown(i iface, up, upProto, down, downProto string) (status, proto string) {
	if i.shutdown {
		return down, downProto
	}
	return up, upProto
}

// unassigned is how IOS shows an interface with no address.
func unassigned(addr string) string {
	if addr == "" {
		return "unassigned"
	}
	return addr
}

func showIntDesc(c *cli, _ input) string {
	var b strings.Builder
	b.WriteString("Interface                      Status         Protocol Description\n")
	for _, i := range c.inst.model.snapshotIfaces() {
		status, proto := "up", "up"
		if i.shutdown {
			status, proto = "admin down", "down"
		}
		fmt.Fprintf(&b, "%-30s %-14s %-8s %s\n", shortIf(i.name), status, proto, i.desc)
	}
	return b.String()
}

// shortIf abbreviates an interface name as IOS does in narrow tables.
// shortIfTypes are interface types' short names, as prompts and tables
// print them.
var shortIfTypes = map[string]string{
	"GigabitEthernet": "Gi", "TenGigabitEthernet": "Te", "FastEthernet": "Fa", "Ethernet": "Et",
	"Loopback": "Lo", "Tunnel": "Tu", "Port-channel": "Po", "Serial": "Se", "Vlan": "Vl",
	"Management": "Ma", "Port-Channel": "Po",
}

func shortIf(name string) string {
	typ, num := splitIfName(name)
	short := shortIfTypes[typ]
	if short == "" {
		return name
	}
	return short + num
}

func showUsers(c *cli, _ input) string {
	host, _, err := net.SplitHostPort(c.remote)
	if err != nil {
		host = c.remote
	}
	return "    Line       User       Host(s)              Idle       Location\n" +
		fmt.Sprintf("*%3d vty %-3d %-10s idle                 00:00:00 %s\n", 866+c.line, c.line, c.user, host) +
		"\n  Interface    User               Mode         Idle     Location\n\n"
}
