package sim_test

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/netrun/netrun/sim"
)

// cfgPlat is how to drive one platform's configuration mode.
type cfgPlat struct {
	platform   string
	exec, conf string   // prompt patterns at exec and in configuration mode
	enter      []string // into configuration mode
	commit     []string // make the changes running (IOS-XR, Junos)
	leave      []string // back to exec
	invalid    string   // in the reply to a rejected line
	show       string   // shows the running configuration
}

var cfgPlats = map[string]cfgPlat{
	"cisco_iosxe": {platform: "cisco_iosxe", exec: `[\w.-]+#$`, conf: `[\w.-]+\([\w-]+\)#$`,
		enter: []string{"configure terminal"}, leave: []string{"end"},
		invalid: "% Invalid input detected at '^' marker.", show: "show running-config"},
	"cisco_nxos": {platform: "cisco_nxos", exec: `[\w.-]+# $`, conf: `[\w.-]+\([\w-]+\)# $`,
		enter: []string{"configure terminal"}, leave: []string{"end"},
		invalid: "% Invalid command at '^' marker.", show: "show running-config"},
	"arista_eos": {platform: "arista_eos", exec: `[\w.-]+#$`, conf: `[\w.-]+\([\w./-]+\)#$`,
		enter: []string{"configure terminal"}, leave: []string{"end"},
		invalid: "% Invalid input", show: "show running-config"},
	"cisco_iosxr": {platform: "cisco_iosxr", exec: `RP/0/RP0/CPU0:[\w.-]+#$`, conf: `RP/0/RP0/CPU0:[\w.-]+\([\w-]+\)#$`,
		enter: []string{"configure terminal"}, commit: []string{"commit"}, leave: []string{"end"},
		invalid: "% Invalid input detected at '^' marker.", show: "show running-config"},
	"juniper_junos": {platform: "juniper_junos", exec: `\w+@[\w.-]+> $`, conf: `\r\n\[edit\]\r\n\w+@[\w.-]+# $`,
		enter: []string{"configure"}, commit: []string{"commit"}, leave: []string{"exit configuration-mode"},
		invalid: "syntax error", show: "show configuration"},
}

// cfgSession logs in at privileged exec with paging off.
func cfgSession(t *testing.T, s *sim.Server, cp cfgPlat) *term {
	t.Helper()
	tm := openTerm(t, s)
	tm.expect(cp.exec)
	if cp.platform == "juniper_junos" {
		tm.run("set cli screen-length 0", cp.exec)
	} else {
		tm.run("terminal length 0", cp.exec)
	}
	return tm
}

// run types line and returns the reply before the prompt matching the
// pattern prompt.
func (tm *term) run(line, prompt string) string {
	tm.t.Helper()
	tm.send(line + "\n")
	got := tm.expect(`(?s)^.*?` + regexp.QuoteMeta(line+"\r\n") + `.*?` + prompt)
	got = got[strings.Index(got, line+"\r\n")+len(line)+2:]
	return regexp.MustCompile(prompt+`$`).ReplaceAllString(got, "")
}

// configure pushes lines in configuration mode (committing where the
// platform needs it) and fails the test on any reply that is an error.
func configure(t *testing.T, tm *term, cp cfgPlat, lines ...string) {
	t.Helper()
	for _, l := range cp.enter {
		tm.run(l, cp.conf)
	}
	for _, l := range append(lines, cp.commit...) {
		if got := tm.run(l, cp.conf); strings.Contains(got, cp.invalid) || strings.Contains(got, "%") ||
			strings.Contains(got, "warning") {
			t.Errorf("%s: %s rejected:\n%s", cp.platform, l, got)
		}
	}
	for _, l := range cp.leave {
		tm.run(l, cp.exec)
	}
}

func startCfg(t *testing.T, platform string, mod func(*sim.Device)) *sim.Server {
	t.Helper()
	d := labDevice()
	d.Platform = platform
	d.StartPrivileged = true
	if mod != nil {
		mod(&d)
	}
	return start(t, d)
}

// TestConfigUndo pushes a broad set of lines on each platform, checks the
// running config shows them as pushed, then pushes their negations and
// checks it reads exactly as before.
func TestConfigUndo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		platform   string
		push, undo []string
		want       []string // in the running config after push
	}{
		{"cisco_iosxe", []string{
			"ntp server 10.1.1.1 prefer", "ntp server 10.1.1.2", "logging host 10.2.2.2", "logging buffered 16384",
			"snmp-server community s3cr3t RO", "snmp-server location DC1 rack 4", "ip name-server 8.8.8.8",
			"username ops privilege 15 secret 9 $9$abc$def", "spanning-tree mode rapid-pvst",
			"service password-encryption", "ip route 10.9.0.0 255.255.0.0 10.0.12.2",
			"access-list 10 permit 10.0.0.0 0.255.255.255", "access-list 10 deny any",
			"ip access-list extended EDGE-IN", "permit tcp any any eq 22", "deny ip any any log", "exit",
			"vlan 10", "name users", "exit",
			"interface Loopback5", "description test loop", "ip address 10.5.5.5 255.255.255.255", "exit",
			"int gi4", "description uplink", "ip address 10.4.4.1 255.255.255.0",
			"ip address 10.44.4.1 255.255.255.0 secondary", "mtu 9000", "speed 1000", "duplex full",
			"switchport mode access", "no shutdown", "no negotiation auto", "exit",
			"router ospf 1", "router-id 1.1.1.1", "network 10.4.4.0 0.0.0.255 area 0", "exit",
			"line vty 0 4", "exec-timeout 10 0", "exit",
			"banner motd ^CAuthorized access only^C", "ip domain name example.net", "no ip domain lookup",
			"ip http server",
		}, []string{
			"no ntp server 10.1.1.1", "no ntp server 10.1.1.2", "no logging host 10.2.2.2", "no logging buffered",
			"no snmp-server community s3cr3t", "no snmp-server location", "no ip name-server 8.8.8.8",
			"no username ops", "no spanning-tree mode", "no service password-encryption",
			"no ip route 10.9.0.0 255.255.0.0 10.0.12.2", "no access-list 10 permit 10.0.0.0 0.255.255.255",
			"no access-list 10 deny any", "no ip access-list extended EDGE-IN", "no vlan 10",
			"no interface Loopback5",
			"interface GigabitEthernet4", "no description", "no ip address 10.44.4.1 255.255.255.0 secondary",
			"no ip address", "no mtu", "no speed", "no duplex", "no switchport mode", "negotiation auto", "exit",
			"no router ospf 1", "line vty 0 4", "no exec-timeout", "exit", "no banner motd",
			"ip domain name lab.local", "ip domain lookup", "no ip http server",
		}, []string{
			"\nntp server 10.1.1.1 prefer\nntp server 10.1.1.2\n", "\nlogging buffered 16384\n",
			"\nlogging host 10.2.2.2\n", "\nsnmp-server community s3cr3t RO\nsnmp-server location DC1 rack 4\n",
			"\nip access-list extended EDGE-IN\n permit tcp any any eq 22\n deny ip any any log\n!\n",
			"\nvlan 10\n name users\n!\n",
			"\ninterface Loopback5\n description test loop\n ip address 10.5.5.5 255.255.255.255\n!\n",
			"\ninterface GigabitEthernet4\n description uplink\n switchport mode access\n mtu 9000\n" +
				" ip address 10.4.4.1 255.255.255.0\n ip address 10.44.4.1 255.255.255.0 secondary\n speed 1000\n duplex full\n!\n",
			"\nrouter ospf 1\n router-id 1.1.1.1\n network 10.4.4.0 0.0.0.255 area 0\n!\n",
			"\nline vty 0 4\n login local\n transport input ssh\n exec-timeout 10 0\n",
			"\nbanner motd ^C\nAuthorized access only\n^C\n", "\nip domain name example.net\n",
			"\nno ip domain lookup\n", "\nip http server\n", "\nservice password-encryption\n",
			"\naccess-list 10 permit 10.0.0.0 0.255.255.255\naccess-list 10 deny any\n",
			"\nip route 10.9.0.0 255.255.0.0 10.0.12.2\n", "\nspanning-tree mode rapid-pvst\n",
		}},
		{"cisco_nxos", []string{
			"feature ospf", "ntp server 10.1.1.1 prefer use-vrf management", "logging server 10.2.2.2",
			"snmp-server community s3cr3t ro", "snmp-server location DC1", "ip domain-name example.net",
			"ip route 10.9.0.0/16 10.0.12.2", "ip access-list EDGE-IN", "10 permit tcp any any eq 22", "exit",
			"vlan 10", "name users", "exit",
			"interface loopback5", "description test", "ip address 10.5.5.5/32", "exit",
			"interface Ethernet1/4", "description uplink", "mtu 9216", "ip address 10.4.4.1/24", "shutdown", "exit",
			"interface Ethernet1/3", "switchport", "switchport mode trunk", "no shutdown", "exit",
			"router ospf 1", "router-id 1.1.1.1", "exit", "line vty", "exec-timeout 10", "exit",
		}, []string{
			"no feature ospf", "no ntp server 10.1.1.1", "no logging server 10.2.2.2", "no snmp-server community s3cr3t",
			"no snmp-server location", "no ip domain-name", "no ip route 10.9.0.0/16 10.0.12.2",
			"no ip access-list EDGE-IN", "no vlan 10", "no interface loopback5",
			"interface Ethernet1/4", "no description", "no mtu", "no ip address", "no shutdown", "exit",
			"interface Ethernet1/3", "no switchport", "shutdown", "exit",
			"no router ospf 1", "line vty", "no exec-timeout", "exit",
		}, []string{
			"\nfeature ospf\n", "\nntp server 10.1.1.1 prefer use-vrf management\n",
			"\ninterface Ethernet1/4\n  description uplink\n  no switchport\n  mtu 9216\n  ip address 10.4.4.1/24\n  shutdown\n\n",
			"\ninterface Ethernet1/3\n  switchport\n  switchport mode trunk\n  no shutdown\n\n",
			"\nip access-list EDGE-IN\n  10 permit tcp any any eq 22\n\n", "\nvlan 10\n  name users\n\n",
			"\nline vty\n  exec-timeout 10\n\n",
		}},
		{"arista_eos", []string{
			"ntp server 10.1.1.1 prefer", "logging host 10.2.2.2", "snmp-server community s3cr3t ro",
			"username ops privilege 15 secret sha512 $6$abc", "spanning-tree mode rstp",
			"ip route 10.9.0.0/16 10.0.12.2", "vlan 10", "name users", "exit",
			"interface Loopback5", "ip address 10.5.5.5/32", "exit",
			"interface Ethernet4", "description uplink", "mtu 9000", "ip address 10.4.4.1/24", "exit",
			"router ospf 1", "router-id 1.1.1.1", "exit",
		}, []string{
			"no ntp server 10.1.1.1", "no logging host 10.2.2.2", "no snmp-server community s3cr3t",
			"no username ops", "spanning-tree mode mstp", "no ip route 10.9.0.0/16 10.0.12.2", "no vlan 10",
			"no interface Loopback5", "interface Ethernet4", "no description", "no mtu", "no ip address", "exit",
			"no router ospf 1",
		}, []string{
			"\nspanning-tree mode rstp\n",
			"\ninterface Ethernet4\n   description uplink\n   no switchport\n   mtu 9000\n   ip address 10.4.4.1/24\n!\n",
			"\nvlan 10\n   name users\n!\n", "\nntp server 10.1.1.1 prefer\n",
		}},
		{"cisco_iosxr", []string{
			"ntp server 10.1.1.1 prefer", "ntp server 10.1.1.2", "logging 10.2.2.2", "snmp-server community s3cr3t RO",
			"interface Loopback5", "ipv4 address 10.5.5.5 255.255.255.255", "exit",
			"interface GigabitEthernet0/0/0/3", "description uplink", "mtu 9000", "ipv4 address 10.4.4.1/24", "exit",
			"router ospf 1", "router-id 1.1.1.1", "exit",
		}, []string{
			"no ntp server 10.1.1.1", "no ntp server 10.1.1.2", "no logging 10.2.2.2", "no snmp-server community s3cr3t",
			"no interface Loopback5", "interface GigabitEthernet0/0/0/3", "no description", "no mtu",
			"no ipv4 address", "exit", "no router ospf 1",
		}, []string{
			"\nntp\n server 10.1.1.1 prefer\n server 10.1.1.2\n!\n",
			"\ninterface GigabitEthernet0/0/0/3\n description uplink\n mtu 9000\n ipv4 address 10.4.4.1 255.255.255.0\n!\n",
			"\nrouter ospf 1\n router-id 1.1.1.1\n!\n", "\nlogging 10.2.2.2\n",
		}},
		{"juniper_junos", []string{
			"set system ntp server 10.1.1.1 prefer", "set system domain-name example.net",
			`set interfaces ge-0/0/3 description "to core"`, "set interfaces ge-0/0/3 unit 0 family inet address 10.4.4.1/24",
			"set interfaces ge-0/0/1 disable", "set snmp community public authorization read-only",
			`set snmp location "DC1 rack 4"`, "set routing-options static route 10.9.0.0/16 next-hop 10.0.12.2",
			"set protocols ospf area 0.0.0.0 interface ge-0/0/3.0",
		}, []string{
			"delete system ntp server 10.1.1.1", "delete system domain-name", "delete interfaces ge-0/0/3",
			"delete interfaces ge-0/0/1 disable", "delete snmp", "delete routing-options", "delete protocols",
		}, []string{
			"    host-name r1;\n    domain-name example.net;\n    services {\n        ssh;\n    }\n    ntp {\n        server 10.1.1.1 prefer;\n    }\n",
			"    ge-0/0/3 {\n        description \"to core\";\n        unit 0 {\n            family inet {\n                address 10.4.4.1/24;\n",
			"snmp {\n    location \"DC1 rack 4\";\n    community public {\n        authorization read-only;\n    }\n}\n",
			"routing-options {\n    static {\n        route 10.9.0.0/16 {\n            next-hop 10.0.12.2;\n",
			"protocols {\n    ospf {\n        area 0.0.0.0 {\n            interface ge-0/0/3.0;\n",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.platform, func(t *testing.T) {
			t.Parallel()
			cp := cfgPlats[tt.platform]
			s := startCfg(t, tt.platform, nil)
			before := s.RunningConfig()
			tm := cfgSession(t, s, cp)
			configure(t, tm, cp, tt.push...)
			during := s.RunningConfig()
			for _, w := range tt.want {
				if !strings.Contains(during, w) {
					t.Errorf("running config lacks %q:\n%s", w, during)
				}
			}
			if shown := tm.run(cp.show, cp.exec); !strings.Contains(shown, strings.ReplaceAll(during, "\n", "\r\n")) {
				t.Errorf("%s does not show RunningConfig():\n%s", cp.show, shown)
			}
			configure(t, tm, cp, tt.undo...)
			if after := s.RunningConfig(); after != before {
				t.Errorf("running config not restored:\n--- before\n%s\n--- after\n%s", before, after)
			}
		})
	}
}

// TestConfigSingleValued: a second value replaces the first.
func TestConfigSingleValued(t *testing.T) {
	t.Parallel()
	s := startCfg(t, "cisco_iosxe", nil)
	cp := cfgPlats["cisco_iosxe"]
	tm := cfgSession(t, s, cp)
	configure(t, tm, cp,
		"hostname r7", "hostname r8", "ip domain name a.example", "ip domain name b.example",
		"snmp-server location first", "snmp-server location second place", "logging buffered 4096",
		"logging buffered 8192", "banner motd #one#", "banner motd #two#",
		"interface GigabitEthernet2", "description first", "description second", "ip address 10.1.1.1 255.255.255.0",
		"ip address 10.2.2.1 255.255.255.0", "mtu 1500", "mtu 9000", "speed 100", "speed 1000",
		"duplex half", "duplex full", "shutdown", "shutdown", "exit",
		"ntp server 10.0.0.1", "ntp server 10.0.0.1 prefer",
	)
	rc := s.RunningConfig()
	for _, want := range []string{
		"\nhostname r8\n", "\nip domain name b.example\n", "\nsnmp-server location second place\n",
		"\nlogging buffered 8192\n", "\nbanner motd ^C\ntwo\n^C\n", "\nntp server 10.0.0.1 prefer\n",
		"\ninterface GigabitEthernet2\n description second\n mtu 9000\n ip address 10.2.2.1 255.255.255.0\n shutdown\n speed 1000\n duplex full\n negotiation auto\n!\n",
	} {
		if !strings.Contains(rc, want) {
			t.Errorf("running config lacks %q:\n%s", want, rc)
		}
	}
	for _, gone := range []string{"r7", "a.example", "first", "4096", "one", "10.1.1.1", "mtu 1500", "speed 100\n", "half"} {
		if strings.Contains(rc, gone) {
			t.Errorf("running config still has %q:\n%s", gone, rc)
		}
	}
	if n := strings.Count(rc, "ntp server 10.0.0.1"); n != 1 {
		t.Errorf("ntp server 10.0.0.1 appears %d times", n)
	}
	if got := tm.run("show ip interface brief | include GigabitEthernet2", `r8#$`); !strings.Contains(got, "10.2.2.1") ||
		!strings.Contains(got, "administratively down") {
		t.Errorf("show ip interface brief: %q", got)
	}
}

// TestConfigRejectsUnknown: unknown keywords get each platform's error and
// change nothing.
func TestConfigRejectsUnknown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		platform string
		lines    []string
	}{
		{"cisco_iosxe", []string{"ntp servr 1.2.3.4", "frobnicate", "logging hots 1.1.1.1", "snmp-server comunity x RO",
			"ip route", "interface GigabitEthernet2", "descriptoin x", "ip adress 1.1.1.1 255.0.0.0"}},
		{"cisco_nxos", []string{"ntp servr 1.2.3.4", "frobnicate", "interface Ethernet1/2", "ip adress 1.1.1.1/8"}},
		{"arista_eos", []string{"ntp servr 1.2.3.4", "frobnicate", "interface Ethernet2", "descriptoin x"}},
		{"cisco_iosxr", []string{"ntp servr 1.2.3.4", "frobnicate"}},
		{"juniper_junos", []string{"set frobnicate x", "set system ntp servr 1.2.3.4", "set system hostname r2",
			"set interfaces ge-0/0/1 descriptoin x", "set snmp comunity x"}},
	}
	for _, tt := range tests {
		t.Run(tt.platform, func(t *testing.T) {
			t.Parallel()
			cp := cfgPlats[tt.platform]
			s := startCfg(t, tt.platform, nil)
			before := s.RunningConfig()
			tm := cfgSession(t, s, cp)
			for _, l := range cp.enter {
				tm.run(l, cp.conf)
			}
			for _, l := range tt.lines {
				got := tm.run(l, cp.conf)
				if strings.HasPrefix(l, "interface ") {
					continue
				}
				if !strings.Contains(got, cp.invalid) && !strings.Contains(got, "% Incomplete") {
					t.Errorf("%s: got %q, want %q", l, got, cp.invalid)
				}
			}
			for _, l := range append(cp.commit, cp.leave...) {
				tm.send(l + "\n")
			}
			tm.expect(cp.exec)
			if after := s.RunningConfig(); after != before {
				t.Errorf("rejected lines changed the config:\n%s", after)
			}
		})
	}
}

// TestRejectLines: a device refuses chosen valid lines with its error.
func TestRejectLines(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		platform, reject, other string
	}{
		{"cisco_iosxe", "ntp server 10.9.9.9", "ntp server 10.9.9.8"},
		{"arista_eos", "ntp server 10.9.9.9", "ntp server 10.9.9.8"},
		{"juniper_junos", "set system ntp server 10.9.9.9", "set system ntp server 10.9.9.8"},
	} {
		t.Run(tt.platform, func(t *testing.T) {
			t.Parallel()
			cp := cfgPlats[tt.platform]
			s := startCfg(t, tt.platform, func(d *sim.Device) { d.RejectLines = []string{tt.reject} })
			tm := cfgSession(t, s, cp)
			for _, l := range cp.enter {
				tm.run(l, cp.conf)
			}
			if got := tm.run(tt.reject, cp.conf); !strings.Contains(got, cp.invalid) {
				t.Errorf("%s: got %q, want the invalid-input error", tt.reject, got)
			}
			if got := tm.run(tt.other, cp.conf); got != "" {
				t.Errorf("%s: got %q", tt.other, got)
			}
			for _, l := range append(cp.commit, cp.leave...) {
				tm.run(l, `(`+cp.conf+`|`+cp.exec+`)`)
			}
			rc := s.RunningConfig()
			if strings.Contains(rc, "10.9.9.9") || !strings.Contains(rc, "10.9.9.8") {
				t.Errorf("running config:\n%s", rc)
			}
		})
	}
}

// TestBannerMultiLine: IOS reads banner lines, with no prompt, up to the
// delimiter.
func TestBannerMultiLine(t *testing.T) {
	t.Parallel()
	s := startCfg(t, "cisco_iosxe", nil)
	tm := cfgSession(t, s, cfgPlats["cisco_iosxe"])
	tm.run("configure terminal", `r1\(config\)#$`)
	tm.send("banner motd ^C\n")
	tm.expect(`banner motd \^C\r\nEnter TEXT message\.  End with the character '\^C'\.\r\n$`)
	tm.send("Authorized access only.\nViolators will be prosecuted.\n^C\n")
	tm.expect(`Violators will be prosecuted\.\r\n\^C\r\nr1\(config\)#$`)
	tm.run("end", `r1#$`)
	want := "\n!\nbanner motd ^C\nAuthorized access only.\nViolators will be prosecuted.\n^C\n!\n"
	if rc := s.RunningConfig(); !strings.Contains(rc, want) {
		t.Errorf("running config lacks %q:\n%s", want, rc)
	}
	// The banner greets the next login.
	tm2 := openTerm(t, s)
	tm2.expect(`Authorized access only\.\r\nViolators will be prosecuted\.\r\n\r\nr1#$`)
}

// realisticIOS is a 300-line IOS-XE configuration as show running-config
// prints it, with sections the simulator only keeps verbatim.
func realisticIOS() string {
	var b strings.Builder
	w := func(ls ...string) {
		for _, l := range ls {
			b.WriteString(l + "\n")
		}
	}
	w("!", "version 17.3", "service timestamps debug datetime msec", "service timestamps log datetime msec",
		"service password-encryption", "!", "hostname edge-7", "!", "boot-start-marker", "boot-end-marker", "!",
		"logging buffered 64000", "!", "enable secret 9 $9$abcdefghijklmn$0123456789abcdefghijklmnopqrstuvwxyzABCDE", "!",
		"aaa new-model", "aaa authentication login default local", "aaa authorization exec default local", "!",
		"clock timezone UTC 0 0", "!", "no ip domain lookup", "ip domain name corp.example", "ip name-server 10.0.0.53", "!",
		"crypto pki trustpoint TP-self-signed-1", " enrollment selfsigned", " subject-name cn=IOS-Self-Signed-Certificate",
		" revocation-check none", " rsakeypair TP-self-signed-1", "!",
		"license udi pid CSR1000V sn 9ABCDEF1234", "diagnostic bootup level minimal", "!")
	for u := 1; u <= 6; u++ {
		w(fmt.Sprintf("username netops%d privilege 15 secret 9 $9$user%dsaltsalt$hashhashhashhashhashhashhashhashhashhash%d", u, u, u))
	}
	w("!", "spanning-tree mode rapid-pvst", "spanning-tree extend system-id", "!")
	for v := 10; v <= 40; v += 5 {
		w(fmt.Sprintf("vlan %d", v), fmt.Sprintf(" name users-%d", v), "!")
	}
	w("redundancy", "!")
	w("interface Loopback0", " description router id", " ip address 10.255.0.7 255.255.255.255", "!")
	w("interface Loopback100", " ip address 10.255.100.7 255.255.255.255", "!")
	for v := 10; v <= 40; v += 5 {
		w(fmt.Sprintf("interface Vlan%d", v), fmt.Sprintf(" description svi users-%d", v),
			fmt.Sprintf(" ip address 10.%d.0.1 255.255.255.0", v), " ip helper-address 10.0.0.67", "!")
	}
	for i := 1; i <= 8; i++ {
		w(fmt.Sprintf("interface GigabitEthernet%d", i))
		switch {
		case i <= 2:
			w(fmt.Sprintf(" description core-%d uplink", i), " mtu 9000",
				fmt.Sprintf(" ip address 10.0.%d.2 255.255.255.252", i),
				" ip ospf network point-to-point", " ip ospf cost 10", " negotiation auto")
		case i <= 6:
			w(fmt.Sprintf(" description access port %d", i), fmt.Sprintf(" ip address 192.168.%d.1 255.255.255.0", i),
				fmt.Sprintf(" ip address 172.16.%d.1 255.255.255.0 secondary", i), " ip helper-address 10.0.0.67",
				" ip access-group EDGE-IN in", " speed 1000", " duplex full", " negotiation auto")
		default:
			w(" no ip address", " shutdown", " negotiation auto")
		}
		w("!")
	}
	w("router ospf 1", " router-id 10.255.0.7", " auto-cost reference-bandwidth 100000", " passive-interface default",
		" no passive-interface GigabitEthernet1", " no passive-interface GigabitEthernet2",
		" network 10.0.1.0 0.0.0.3 area 0", " network 10.0.2.0 0.0.0.3 area 0", " network 10.255.0.7 0.0.0.0 area 0", "!")
	w("router bgp 65007", " bgp router-id 10.255.0.7", " bgp log-neighbor-changes",
		" neighbor 10.255.0.1 remote-as 65000", " neighbor 10.255.0.1 update-source Loopback0",
		" neighbor 10.255.0.2 remote-as 65000", " neighbor 10.255.0.2 update-source Loopback0", "!")
	w("ip forward-protocol nd", "no ip http server", "no ip http secure-server", "ip ssh version 2", "!")
	for r := 1; r <= 40; r++ {
		w(fmt.Sprintf("ip route 10.%d.0.0 255.255.0.0 10.0.1.1 name static-%d", 100+r, r))
	}
	w("!", "ip access-list extended EDGE-IN")
	for e := 1; e <= 40; e++ {
		w(fmt.Sprintf(" permit tcp 10.%d.0.0 0.0.255.255 any eq %d", e, 8000+e))
	}
	w(" deny ip any any log", "!", "ip access-list standard MGMT", " permit 10.0.0.0 0.0.0.255", " deny any log", "!")
	for a := 1; a <= 10; a++ {
		w(fmt.Sprintf("access-list %d permit 10.%d.0.0 0.0.255.255", 10, a))
	}
	w("!", "logging trap informational", "logging source-interface Loopback0", "logging host 10.0.0.514",
		"logging host 10.0.1.514", "!")
	w("snmp-server community n3tw0rk RO MGMT", "snmp-server community wr1t3 RW MGMT", "snmp-server location DC7 row 3 rack 12",
		"snmp-server contact noc@corp.example", "snmp-server enable traps snmp linkdown linkup", "snmp-server host 10.0.0.162 version 2c n3tw0rk", "!")
	w("control-plane", "!", "banner motd ^C", "*** Authorized access only ***", "All sessions are logged.", "^C", "!")
	w("line con 0", " exec-timeout 5 0", " logging synchronous", " stopbits 1",
		"line vty 0 4", " access-class MGMT in", " exec-timeout 15 0", " login local", " transport input ssh",
		"line vty 5 15", " access-class MGMT in", " login local", " transport input ssh", "!")
	for n := 1; n <= 4; n++ {
		w(fmt.Sprintf("ntp server 10.0.0.%d", 120+n))
	}
	w("!", "end")
	if strings.Count(b.String(), "\n") < 300 {
		panic("config too short")
	}
	return b.String()
}

const junosConfig = `set system host-name mx-7
set system domain-name corp.example
set system time-zone UTC
set system name-server 10.0.0.53
set system login user netops class super-user
set system login user netops authentication encrypted-password "$6$abc$def"
set system services ssh root-login deny
set system services netconf ssh
set system syslog host 10.0.0.514 any notice
set system syslog file messages any notice
set system ntp server 10.0.0.121 prefer
set system ntp server 10.0.0.122
set interfaces ge-0/0/0 description "core uplink 1"
set interfaces ge-0/0/0 mtu 9192
set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.2/30
set interfaces ge-0/0/1 disable
set interfaces ge-0/0/5 unit 0 family inet address 192.168.5.1/24
set interfaces lo0 unit 0 family inet address 10.255.0.7/32
set snmp location "DC7 row 3"
set snmp community n3tw0rk authorization read-only
set routing-options router-id 10.255.0.7
set routing-options static route 0.0.0.0/0 next-hop 10.0.1.1
set protocols ospf area 0.0.0.0 interface ge-0/0/0.0
set protocols ospf area 0.0.0.0 interface lo0.0 passive
set policy-options policy-statement EXPORT term 1 from protocol static
set policy-options policy-statement EXPORT term 1 then accept
`

// TestDeviceConfigRoundTrip: a device started from a configuration shows
// it, and a device started from what that one shows shows the same.
func TestDeviceConfigRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		platform, config string
		want             []string
	}{
		{"cisco_iosxe", realisticIOS(), nil},
		{"juniper_junos", junosConfig, []string{"    host-name mx-7;\n", "        server 10.0.0.121 prefer;\n",
			"    ge-0/0/5 {\n", "            interface lo0.0 {\n                passive;\n"}},
		{"cisco_nxos", "hostname n7\nfeature ospf\nip domain-name corp.example\nvrf context management\n  ip route 0.0.0.0/0 10.0.0.1\n" +
			"interface Ethernet1/9\n  description extra\n  ip address 10.9.9.1/24\nline vty\n  exec-timeout 10\n", nil},
		{"arista_eos", "hostname a7\nspanning-tree mode rstp\ninterface Ethernet1\n   description up\n   ip address 10.1.1.1/24\n" +
			"banner motd\nline one\nline two\nEOF\nip routing\nend\n", nil},
		{"cisco_iosxr", "hostname x7\nntp\n server 10.0.0.1\n!\ninterface GigabitEthernet0/0/0/0\n ipv4 address 10.1.1.1 255.255.255.0\n!\n" +
			"router ospf 1\n area 0\n  interface Loopback0\n  !\n !\n!\nend\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.platform, func(t *testing.T) {
			t.Parallel()
			d := sim.Device{Platform: tt.platform, Config: tt.config, StartPrivileged: true}
			s1, err := sim.Start("127.0.0.1:0", d, hostKey(t))
			if err != nil {
				t.Fatal(err)
			}
			defer s1.Close()
			first := s1.RunningConfig()
			if tt.platform == "cisco_iosxe" {
				// Every line given is shown, in IOS's order.
				if g, f := configLines(tt.config), configLines(first); g != f {
					t.Errorf("IOS config not shown as given:\n--- given\n%s\n--- shown\n%s", g, f)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(first, w) {
					t.Errorf("running config lacks %q:\n%s", w, first)
				}
			}
			// Feed back what show running-config prints, preamble included.
			cp := cfgPlats[tt.platform]
			tm := cfgSession(t, s1, cp)
			shown := strings.ReplaceAll(tm.run(cp.show, cp.exec), "\r\n", "\n")
			d.Config = shown
			if second := start(t, d).RunningConfig(); second != first {
				t.Errorf("round trip differs:\n--- first\n%s\n--- second\n%s", first, second)
			}
			if s1.StartupConfig() != first {
				t.Errorf("startup config is not the configuration started with")
			}
			if tt.platform == "juniper_junos" {
				// The set form reads back to the same configuration too.
				set := strings.ReplaceAll(tm.run("show configuration | display set", cp.exec), "\r\n", "\n")
				d.Config = set
				if third := start(t, d).RunningConfig(); third != first {
					t.Errorf("set-form round trip differs:\n--- first\n%s\n--- third\n%s", first, third)
				}
			}
		})
	}
}

// TestDeviceConfigHostname: Device.Hostname overrides the configuration's.
func TestDeviceConfigHostname(t *testing.T) {
	t.Parallel()
	s := start(t, sim.Device{Hostname: "r1", Config: "hostname other\ninterface Loopback0\n ip address 10.0.0.1 255.255.255.255\n"})
	if rc := s.RunningConfig(); !strings.Contains(rc, "\nhostname r1\n") || strings.Contains(rc, "other") {
		t.Errorf("hostname not overridden:\n%s", rc)
	}
	if _, err := sim.Start("127.0.0.1:0", sim.Device{Config: " indented first\n"}, hostKey(t)); err == nil {
		t.Error("a configuration starting indented was accepted")
	}
	if _, err := sim.Start("127.0.0.1:0", sim.Device{Platform: "juniper_junos", Config: "set frobnicate x\n"}, hostKey(t)); err == nil {
		t.Error("a Junos configuration with an unknown statement was accepted")
	}
}

// TestStartupAndOutOfBand: saving records the startup config; an
// out-of-band change shows in the running config only.
func TestStartupAndOutOfBand(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		platform, change, save, oob string
	}{
		{"cisco_iosxe", "ntp server 10.7.7.7", "copy running-config startup-config", "ntp server 10.8.8.8"},
		{"cisco_nxos", "ntp server 10.7.7.7", "copy running-config startup-config", "ntp server 10.8.8.8"},
		{"arista_eos", "ntp server 10.7.7.7", "write memory", "ntp server 10.8.8.8"},
		{"cisco_iosxr", "ntp server 10.7.7.7", "", "ntp\n server 10.8.8.8\n!"},
		{"juniper_junos", "set system ntp server 10.7.7.7", "", "set system ntp server 10.8.8.8"},
	} {
		t.Run(tt.platform, func(t *testing.T) {
			t.Parallel()
			cp := cfgPlats[tt.platform]
			s := startCfg(t, tt.platform, nil)
			boot := s.StartupConfig()
			if boot != s.RunningConfig() {
				t.Errorf("startup config differs from the running one at start")
			}
			tm := cfgSession(t, s, cp)
			configure(t, tm, cp, tt.change)
			if tt.save != "" {
				if s.StartupConfig() != boot {
					t.Errorf("startup config changed before saving")
				}
				tm.send(tt.save + "\n")
				if tt.save == "copy running-config startup-config" && tt.platform == "cisco_iosxe" {
					tm.expect(`Destination filename \[startup-config\]\? $`)
					tm.send("\n")
				}
				tm.expect(cp.exec)
			}
			saved := s.StartupConfig()
			if saved != s.RunningConfig() || !strings.Contains(saved, "10.7.7.7") {
				t.Errorf("startup config not saved:\n%s", saved)
			}

			// Someone else changes the device: the running config is the
			// new text, sessions see it, the startup config stays.
			next := strings.Replace(s.RunningConfig(), "10.7.7.7", "10.9.9.9", 1)
			if tt.platform == "juniper_junos" {
				next = junosSetLines(t, tm, cp) + tt.oob + "\n"
			} else {
				next = strings.Replace(next, "\nend\n", "\n"+tt.oob+"\nend\n", 1)
				if !strings.Contains(next, tt.oob) {
					next += tt.oob + "\n"
				}
			}
			if err := s.SetRunningConfig(next); err != nil {
				t.Fatal(err)
			}
			rc := s.RunningConfig()
			if !strings.Contains(rc, "10.8.8.8") || (tt.platform != "juniper_junos" && strings.Contains(rc, "10.7.7.7")) {
				t.Errorf("out-of-band change not running:\n%s", rc)
			}
			if s.StartupConfig() != saved {
				t.Errorf("out-of-band change reached the startup config")
			}
			if shown := tm.run(cp.show, cp.exec); !strings.Contains(shown, "10.8.8.8") {
				t.Errorf("%s does not show the change:\n%s", cp.show, shown)
			}
			if err := s.SetRunningConfig(rc); err != nil || s.RunningConfig() != rc {
				t.Errorf("setting the running config to itself changed it (%v):\n%s", err, s.RunningConfig())
			}
		})
	}
	s := start(t, sim.Device{})
	if err := s.SetRunningConfig("banner motd ^C\nnever closed\n"); err == nil {
		t.Error("SetRunningConfig accepted an unclosed banner")
	}
}

// configLines are the lines of a configuration without separators,
// sorted: what it says, not where.
func configLines(text string) string {
	var out []string
	section := ""
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == "!" || l == "" {
			continue
		}
		if !strings.HasPrefix(l, " ") {
			section = l
			out = append(out, l)
			continue
		}
		out = append(out, section+" >"+l)
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func junosSetLines(t *testing.T, tm *term, cp cfgPlat) string {
	t.Helper()
	return strings.ReplaceAll(tm.run("show configuration | display set", cp.exec), "\r\n", "\n")
}

// TestEnableSurvivesConfig: the enable secret still works on a device
// whose configuration came from text.
func TestEnableSurvivesConfig(t *testing.T) {
	t.Parallel()
	d := labDevice()
	d.Config = "hostname r1\nenable secret 9 $9$unknown$hash\n"
	s := start(t, d)
	if rc := s.RunningConfig(); strings.Contains(rc, "$9$unknown$hash") || !strings.Contains(rc, "enable secret 9 $9$") {
		t.Errorf("Device.Enable does not set the enable secret:\n%s", rc)
	}
	enable(t, s)
}
