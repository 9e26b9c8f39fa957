package configtree_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netrun/netrun/engine/configtree"
)

const iosRunning = `hostname r1
no ip domain lookup
ntp server 10.0.0.9
ntp server 10.1.1.1 prefer
logging host 10.1.1.20
interface GigabitEthernet1
 description uplink
 ip address 10.0.12.1 255.255.255.252
 negotiation auto
interface GigabitEthernet2
 description access
 ip address 192.168.10.1 255.255.255.0
 ip address 192.168.11.1 255.255.255.0 secondary
 shutdown
interface GigabitEthernet3
 no ip address
 shutdown
router ospf 1
 router-id 10.255.0.1
 passive-interface default
 network 10.0.12.0 0.0.0.3 area 0
banner motd ^C
Authorized access only
^C
`

const junosRunning = `set system host-name j1
set system ntp server 10.0.0.9
set system ntp server 10.1.1.1 prefer
set interfaces ge-0/0/0 description uplink
set interfaces ge-0/0/0 unit 0 family inet address 10.0.12.1/30
set interfaces ge-0/0/1 disable
set interfaces ge-0/0/1 unit 0 family inet address 192.168.10.1/24
set protocols ospf area 0.0.0.0 interface ge-0/0/0.0
`

type diffCase struct {
	name        string
	platform    string
	running     string
	want        configtree.Desired
	lines       []string // nil: empty remediation
	render      string   // checked when set
	inverse     []string // checked when set
	skipInverse bool     // the model cannot know what the device held
}

var diffCases = []diffCase{
	// Merge.
	{
		name: "merge adds a missing line", running: iosRunning,
		want:   configtree.Desired{Text: "ntp server 10.0.0.1\nntp server 10.0.0.9\n"},
		lines:  []string{"ntp server 10.0.0.1"},
		render: "+ ntp server 10.0.0.1\n", inverse: []string{"no ntp server 10.0.0.1"},
	},
	{
		name: "merge on a converged device", running: iosRunning,
		want: configtree.Desired{Text: "interface GigabitEthernet1\n description uplink\nntp server 10.0.0.9\n"},
	},
	{
		name: "missing section added with its lines, parents first", running: iosRunning,
		want:    configtree.Desired{Text: "interface Loopback9\n description test\n ip address 10.9.9.9 255.255.255.255\n"},
		lines:   []string{"interface Loopback9", "description test", "ip address 10.9.9.9 255.255.255.255", "exit"},
		render:  "+ interface Loopback9\n+  description test\n+  ip address 10.9.9.9 255.255.255.255\n",
		inverse: []string{"no interface Loopback9"},
	},
	{
		name: "line added inside an existing section", running: iosRunning,
		want:    configtree.Desired{Text: "router ospf 1\n network 10.255.0.1 0.0.0.0 area 0\n"},
		lines:   []string{"router ospf 1", "network 10.255.0.1 0.0.0.0 area 0", "exit"},
		render:  "~ router ospf 1\n+  network 10.255.0.1 0.0.0.0 area 0\n",
		inverse: []string{"router ospf 1", "no network 10.255.0.1 0.0.0.0 area 0", "exit"},
	},
	{
		name: "abbreviated interface name", running: iosRunning,
		want:  configtree.Desired{Text: "interface gi1\n description core\n"},
		lines: []string{"interface GigabitEthernet1", "description core", "exit"},
	},
	// Spelling: what is sent is the device's spelling of a section it
	// has, or the desired text as written; a name is expanded only to
	// compare, and only by the dialect's listed abbreviations.
	{
		name: "abbreviated name of a section the device has is sent as the device spells it", running: "interface Gi1\n description a\n",
		want:   configtree.Desired{Text: "interface GigabitEthernet1\n description b\n"},
		lines:  []string{"interface Gi1", "description b", "exit"},
		render: "~ interface Gi1\n-  description a\n+  description b\n",
	},
	{
		name: "listed abbreviation of a new section is sent as written", running: iosRunning,
		want:    configtree.Desired{Text: "interface Lo5\n description y\n"},
		lines:   []string{"interface Lo5", "description y", "exit"},
		render:  "+ interface Lo5\n+  description y\n",
		inverse: []string{"no interface Lo5"},
	},
	{
		name: "a name that is no listed abbreviation is a section of its own", running: "interface eth0\n ip address 10.0.0.1 255.255.255.0\n",
		want:   configtree.Desired{Text: "interface eth0\n description x\n"},
		lines:  []string{"interface eth0", "description x", "exit"},
		render: "~ interface eth0\n+  description x\n",
	},
	{
		name: "eth0 is not Ethernet0 on IOS: created as written", running: "interface Ethernet0\n description e0\n",
		want:   configtree.Desired{Text: "interface eth0\n description x\n"},
		lines:  []string{"interface eth0", "description x", "exit"},
		render: "+ interface eth0\n+  description x\n",
	},
	{
		name:    "a desired line met only by another spelling's section is not converged",
		running: "interface eth0\n ip address 10.0.0.1 255.255.255.0\ninterface Ethernet0\n description x\n",
		want:    configtree.Desired{Text: "interface eth0\n description x\n"},
		lines:   []string{"interface eth0", "description x", "exit"},
	},
	{
		name: "absent and negated lines find the section by its listed abbreviation", running: "interface Loopback9\n description a\ninterface Loopback8\n",
		want:  configtree.Desired{Text: "no interface Lo8\n", Absent: "interface lo9\n"},
		lines: []string{"no interface Loopback9", "no interface Loopback8"},
	},
	{
		name: "absent section lines by a listed abbreviation", running: iosRunning,
		want:   configtree.Desired{Absent: "interface Gi2\n shutdown\n"},
		lines:  []string{"interface GigabitEthernet2", "no shutdown", "exit"},
		render: "~ interface GigabitEthernet2\n-  shutdown\n",
	},
	// Single-valued settings.
	{
		name: "hostname replaced, not negated", running: iosRunning,
		want:   configtree.Desired{Text: "hostname r2\n"},
		lines:  []string{"hostname r2"},
		render: "- hostname r1\n+ hostname r2\n", inverse: []string{"hostname r1"},
	},
	{
		name: "primary address replaced in an exact section", running: iosRunning,
		want:    configtree.Desired{Match: configtree.Exact, Text: "interface GigabitEthernet1\n description uplink\n ip address 10.0.12.5 255.255.255.252\n negotiation auto\n"},
		lines:   []string{"interface GigabitEthernet1", "ip address 10.0.12.5 255.255.255.252", "exit"},
		render:  "~ interface GigabitEthernet1\n-  ip address 10.0.12.1 255.255.255.252\n+  ip address 10.0.12.5 255.255.255.252\n",
		inverse: []string{"interface GigabitEthernet1", "ip address 10.0.12.1 255.255.255.252", "exit"},
	},
	{
		name: "secondary address does not replace the primary", running: iosRunning,
		want:  configtree.Desired{Text: "interface GigabitEthernet1\n ip address 10.0.13.1 255.255.255.0 secondary\n"},
		lines: []string{"interface GigabitEthernet1", "ip address 10.0.13.1 255.255.255.0 secondary", "exit"},
	},
	{
		name: "address on an interface showing no ip address", running: iosRunning,
		want:    configtree.Desired{Text: "interface GigabitEthernet3\n ip address 10.3.3.1 255.255.255.0\n"},
		lines:   []string{"interface GigabitEthernet3", "ip address 10.3.3.1 255.255.255.0", "exit"},
		render:  "~ interface GigabitEthernet3\n-  no ip address\n+  ip address 10.3.3.1 255.255.255.0\n",
		inverse: []string{"interface GigabitEthernet3", "no ip address", "exit"},
	},
	{
		name: "banner replaced as one block", running: iosRunning,
		want:    configtree.Desired{Text: "banner motd #\nGo away\n#\n"},
		lines:   []string{"banner motd ^C\nGo away\n^C"},
		render:  "- banner motd ^C\n- Authorized access only\n- ^C\n+ banner motd ^C\n+ Go away\n+ ^C\n",
		inverse: []string{"banner motd ^C\nAuthorized access only\n^C"},
	},
	{
		name: "same banner, other delimiter", running: iosRunning,
		want: configtree.Desired{Text: "banner motd %\nAuthorized access only\n%\n"},
	},
	// Negated desired lines.
	{
		name: "no shutdown on a shut interface", running: iosRunning,
		want:   configtree.Desired{Text: "interface GigabitEthernet2\n no shutdown\n"},
		lines:  []string{"interface GigabitEthernet2", "no shutdown", "exit"},
		render: "~ interface GigabitEthernet2\n-  shutdown\n", inverse: []string{"interface GigabitEthernet2", "shutdown", "exit"},
	},
	{
		name: "no shutdown on an up interface", running: iosRunning,
		want: configtree.Desired{Text: "interface GigabitEthernet1\n no shutdown\n"},
	},
	{
		name: "no X shown negated already", running: iosRunning,
		want: configtree.Desired{Text: "no ip domain lookup\n"},
	},
	{
		name: "no X for a setting on by default", running: "hostname r1\n",
		want:   configtree.Desired{Text: "no ip http server\n"},
		lines:  []string{"no ip http server"},
		render: "+ no ip http server\n", inverse: []string{"ip http server"},
	},
	{
		name: "setting on by default, shown off", running: iosRunning,
		want:    configtree.Desired{Text: "ip domain lookup\n"},
		lines:   []string{"ip domain lookup"},
		render:  "- no ip domain lookup\n+ ip domain lookup\n",
		inverse: []string{"no ip domain lookup"},
	},
	{
		name: "setting on by default, not shown", running: "hostname r1\n",
		want: configtree.Desired{Text: "ip domain lookup\n"},
	},
	// Absent.
	{
		name: "absent top-level lines, by word prefix", running: iosRunning,
		want:    configtree.Desired{Absent: "ntp server 10.1.1.1\nlogging host 10.9.9.9\n"},
		lines:   []string{"no ntp server 10.1.1.1 prefer"},
		render:  "- ntp server 10.1.1.1 prefer\n",
		inverse: []string{"ntp server 10.1.1.1 prefer"},
	},
	{
		name: "absent inside a section", running: iosRunning,
		want:   configtree.Desired{Absent: "interface GigabitEthernet2\n shutdown\ninterface GigabitEthernet1\n shutdown\n"},
		lines:  []string{"interface GigabitEthernet2", "no shutdown", "exit"},
		render: "~ interface GigabitEthernet2\n-  shutdown\n",
	},
	{
		name: "absent whole section and key-negated lines", running: iosRunning,
		want:    configtree.Desired{Absent: "router ospf 1\nhostname\nbanner motd\n"},
		lines:   []string{"no hostname", "no router ospf 1", "no banner motd"},
		inverse: []string{"banner motd ^C\nAuthorized access only\n^C", "router ospf 1", "router-id 10.255.0.1", "passive-interface default", "network 10.0.12.0 0.0.0.3 area 0", "exit", "hostname r1"},
	},
	{
		name: "absent is applied only at its level", running: "interface Gi1\n ntp server 1.1.1.1\n",
		want: configtree.Desired{Absent: "ntp server 1.1.1.1\n"},
	},
	// Exact.
	{
		name: "exact removes undeclared lines of declared sections only", running: iosRunning,
		want: configtree.Desired{Match: configtree.Exact, Text: "interface GigabitEthernet2\n description users\n ip address 192.168.10.1 255.255.255.0\n no shutdown\nntp server 10.0.0.1\n"},
		lines: []string{"interface GigabitEthernet2",
			"no ip address 192.168.11.1 255.255.255.0 secondary", "no shutdown", "description users", "exit", "ntp server 10.0.0.1"},
		render: "~ interface GigabitEthernet2\n-  ip address 192.168.11.1 255.255.255.0 secondary\n-  shutdown\n-  description access\n+  description users\n+ ntp server 10.0.0.1\n",
	},
	{
		name: "exact keeps negated lines", running: iosRunning,
		want: configtree.Desired{Match: configtree.Exact, Text: "interface GigabitEthernet3\n shutdown\n"},
	},
	{
		name: "exact at depth removes a nested section", running: "router bgp 65000\n neighbor 10.0.0.2 remote-as 65001\n address-family ipv4\n  neighbor 10.0.0.2 activate\n address-family ipv6\n  neighbor 10.0.0.2 activate\n",
		want:    configtree.Desired{Match: configtree.Exact, Text: "router bgp 65000\n neighbor 10.0.0.2 remote-as 65001\n address-family ipv4\n  neighbor 10.0.0.2 activate\n  network 10.0.0.0 mask 255.0.0.0\n"},
		lines:   []string{"router bgp 65000", "no address-family ipv6", "address-family ipv4", "network 10.0.0.0 mask 255.0.0.0", "exit", "exit"},
		render:  "~ router bgp 65000\n-  address-family ipv6\n~  address-family ipv4\n+   network 10.0.0.0 mask 255.0.0.0\n",
		inverse: []string{"router bgp 65000", "address-family ipv4", "no network 10.0.0.0 mask 255.0.0.0", "exit", "address-family ipv6", "neighbor 10.0.0.2 activate", "exit", "exit"},
	},
	{
		name: "merge leaves undeclared lines", running: iosRunning,
		want: configtree.Desired{Text: "interface GigabitEthernet2\n description access\n"},
	},
	// Other Indented platforms.
	{
		name: "NX-OS no shutdown shown", platform: "cisco_nxos",
		running: "interface Ethernet1/1\n  description a\n  no shutdown\ninterface Ethernet1/2\n  shutdown\n",
		want:    configtree.Desired{Text: "interface Eth1/1\n  no shutdown\ninterface Eth1/2\n  no shutdown\n"},
		lines:   []string{"interface Ethernet1/2", "no shutdown", "exit"},
	},
	{
		name: "NX-OS shut an interface shown up", platform: "cisco_nxos",
		running: "interface Ethernet1/1\n  description a\n  no shutdown\n",
		want:    configtree.Desired{Text: "interface Ethernet1/1\n  shutdown\n"},
		lines:   []string{"interface Ethernet1/1", "shutdown", "exit"},
		render:  "~ interface Ethernet1/1\n-  no shutdown\n+  shutdown\n",
	},
	{
		name: "EOS banner and exact section", platform: "arista_eos",
		running: "hostname e1\nbanner login\nHello\nEOF\ninterface Ethernet1\n   description a\n   no switchport\n   mtu 9214\n",
		want:    configtree.Desired{Match: configtree.Exact, Text: "banner login\nHello\nEOF\ninterface Et1\n   description b\n"},
		lines:   []string{"interface Ethernet1", "no mtu", "description b", "exit"},
	},
	// Junos.
	{
		name: "junos merge adds set lines", platform: "juniper_junos", running: junosRunning,
		want:    configtree.Desired{Text: "set system ntp server 10.0.0.1\nset system ntp server 10.0.0.9\n"},
		lines:   []string{"set system ntp server 10.0.0.1"},
		render:  "+ set system ntp server 10.0.0.1\n",
		inverse: []string{"delete system ntp server 10.0.0.1"},
	},
	{
		name: "junos single-valued replaced", platform: "juniper_junos", running: junosRunning,
		want:    configtree.Desired{Text: "set system host-name j2\n"},
		lines:   []string{"set system host-name j2"},
		inverse: []string{"set system host-name j1"},
	},
	{
		name: "junos delete line in desired text", platform: "juniper_junos", running: junosRunning,
		want:    configtree.Desired{Text: "delete interfaces ge-0/0/1 disable\ndelete system ntp server 10.9.9.9\n"},
		lines:   []string{"delete interfaces ge-0/0/1 disable"},
		render:  "- set interfaces ge-0/0/1 disable\n",
		inverse: []string{"set interfaces ge-0/0/1 disable"},
	},
	{
		name: "junos absent removes everything under a prefix", platform: "juniper_junos", running: junosRunning,
		want:  configtree.Desired{Absent: "delete interfaces ge-0/0/1\nset system ntp server 10.1.1.1\n"},
		lines: []string{"delete system ntp server 10.1.1.1 prefer", "delete interfaces ge-0/0/1 disable", "delete interfaces ge-0/0/1 unit 0 family inet address 192.168.10.1/24"},
	},
	{
		name: "junos exact by section", platform: "juniper_junos", running: junosRunning,
		want: configtree.Desired{Match: configtree.Exact, Text: "set interfaces ge-0/0/0 description core\nset interfaces ge-0/0/0 unit 0 family inet address 10.0.12.5/30\n"},
		lines: []string{"delete interfaces ge-0/0/0 unit 0 family inet address 10.0.12.1/30",
			"set interfaces ge-0/0/0 description core", "set interfaces ge-0/0/0 unit 0 family inet address 10.0.12.5/30"},
		render: "- set interfaces ge-0/0/0 unit 0 family inet address 10.0.12.1/30\n- set interfaces ge-0/0/0 description uplink\n+ set interfaces ge-0/0/0 description core\n+ set interfaces ge-0/0/0 unit 0 family inet address 10.0.12.5/30\n",
		inverse: []string{"delete interfaces ge-0/0/0 unit 0 family inet address 10.0.12.5/30",
			"set interfaces ge-0/0/0 description uplink", "set interfaces ge-0/0/0 unit 0 family inet address 10.0.12.1/30"},
	},
	{
		name: "junos converged", platform: "juniper_junos", running: junosRunning + "## Last changed\n",
		want: configtree.Desired{Match: configtree.Exact, Text: "set interfaces ge-0/0/1 disable\nset interfaces ge-0/0/1 unit 0 family inet address 192.168.10.1/24\n"},
	},
}

func TestDiff(t *testing.T) {
	for _, tt := range diffCases {
		t.Run(tt.name, func(t *testing.T) {
			d := dialect(t, platformOf(tt.platform))
			running := configtree.Parse(tt.running, d)
			rem, err := configtree.Diff(running, tt.want, d)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.lines, rem.Lines); diff != "" {
				t.Errorf("Lines (-want +got):\n%s\nrendered:\n%s", diff, rem.Render(""))
			}
			if rem.Empty() != (len(tt.lines) == 0) {
				t.Errorf("Empty() = %v", rem.Empty())
			}
			if tt.render != "" {
				if diff := cmp.Diff(tt.render, rem.Render("")); diff != "" {
					t.Errorf("Render (-want +got):\n%s", diff)
				}
			}
			if tt.inverse != nil {
				if diff := cmp.Diff(tt.inverse, rem.Inverse); diff != "" {
					t.Errorf("Inverse (-want +got):\n%s", diff)
				}
			}
			checkConverges(t, d, running, tt.want, rem)
		})
	}
}

func platformOf(p string) string {
	if p == "" {
		return "cisco_iosxe"
	}
	return p
}

// checkConverges applies the remediation to the running tree and checks
// that a second diff is empty (idempotency) and that the inverse restores
// the running configuration (rollback).
func checkConverges(t *testing.T, d configtree.Dialect, running *configtree.Tree, want configtree.Desired, rem configtree.Remediation) {
	t.Helper()
	applied := running.Clone()
	if err := applied.Apply(rem.Lines, d); err != nil {
		t.Fatalf("Apply(Lines): %v", err)
	}
	reparsed := configtree.Parse(applied.String(), d)
	again, err := configtree.Diff(reparsed, want, d)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Empty() {
		t.Errorf("not converged after applying:\n%s\nsecond diff:\n%s\nconfig after:\n%s", strings.Join(rem.Lines, "\n"), again.Render("  "), applied)
	}
	if err := reparsed.Apply(rem.Inverse, d); err != nil {
		t.Fatalf("Apply(Inverse): %v", err)
	}
	if diff := cmp.Diff(sorted(running), sorted(reparsed)); diff != "" {
		t.Errorf("inverse does not restore the running config (-before +after):\n%s\nlines:\n%s\ninverse:\n%s", diff, strings.Join(rem.Lines, "\n"), strings.Join(rem.Inverse, "\n"))
	}
}

func TestDiffCounts(t *testing.T) {
	d := dialect(t, "cisco_iosxe")
	rem, err := configtree.Diff(configtree.Parse(iosRunning, d), configtree.Desired{
		Text:   "hostname r2\nntp server 10.0.0.1\n",
		Absent: "logging host 10.1.1.20\n",
	}, d)
	if err != nil {
		t.Fatal(err)
	}
	added, removed := rem.Counts()
	if added != 2 || removed != 2 {
		t.Errorf("Counts() = %d, %d; want 2, 2", added, removed)
	}
	want := []configtree.Change{
		{Op: configtree.Remove, Line: "logging host 10.1.1.20"},
		{Op: configtree.Add, Line: "hostname r2", Replaces: "hostname r1"},
		{Op: configtree.Add, Line: "ntp server 10.0.0.1"},
	}
	if diff := cmp.Diff(want, rem.Changes); diff != "" {
		t.Errorf("Changes (-want +got):\n%s", diff)
	}
	if got := rem.Render("  "); !strings.HasPrefix(got, "  - logging host 10.1.1.20\n") {
		t.Errorf("Render with indent:\n%s", got)
	}
}

func TestDiffNilRunning(t *testing.T) {
	d := dialect(t, "cisco_iosxe")
	rem, err := configtree.Diff(nil, configtree.Desired{Text: "hostname r1\n"}, d)
	if err != nil || len(rem.Lines) != 1 {
		t.Errorf("Diff(nil) = %v, %v", rem.Lines, err)
	}
	rem, err = configtree.Diff(configtree.Parse(iosRunning, d), configtree.Desired{}, d)
	if err != nil || !rem.Empty() || rem.Render("") != "" {
		t.Errorf("empty desired state: %v, %v", rem, err)
	}
}

func TestApply(t *testing.T) {
	tests := []struct {
		name     string
		platform string
		running  string
		lines    []string
		want     string
	}{
		{
			name: "sections entered and left", running: "hostname r1\n",
			lines: []string{"interface Loopback1", "description a", "exit", "ntp server 1.1.1.1", "router ospf 1", "network 10.0.0.0 0.255.255.255 area 0", "end", "logging host 1.1.1.1"},
			want:  "hostname r1\ninterface Loopback1\n description a\nntp server 1.1.1.1\nrouter ospf 1\n network 10.0.0.0 0.255.255.255 area 0\nlogging host 1.1.1.1\n",
		},
		{
			name: "no removes by word prefix and records shown negations", running: "interface Gi1\n ip address 10.0.0.1 255.0.0.0\n shutdown\nntp server 1.1.1.1 prefer\n",
			lines: []string{"interface Gi1", "no ip address 10.0.0.1 255.0.0.0", "no shutdown", "exit", "no ntp server 1.1.1.1"},
			want:  "interface Gi1\n no ip address\n",
		},
		{
			name: "single-valued and negated forms replaced in place", running: "hostname r1\nno ip domain lookup\ninterface Gi1\n no ip address\n description a\n",
			lines: []string{"hostname r2", "ip domain lookup", "interface Gi1", "ip address 10.0.0.1 255.0.0.0", "description b"},
			want:  "hostname r2\ninterface Gi1\n description b\n ip address 10.0.0.1 255.0.0.0\n",
		},
		{
			name: "a listed abbreviation enters or creates the interface of the full name", running: "interface GigabitEthernet1\n description a\n",
			lines: []string{"interface gi1", "description b", "exit", "interface Lo5", "exit", "interface eth0", "exit", "interface Loopback6", "exit", "no interface lo6"},
			want:  "interface GigabitEthernet1\n description b\ninterface Loopback5\ninterface eth0\n",
		},
		{
			name: "existing leaf entered when it holds a section", running: "crypto pki trustpoint TP\n enrollment selfsigned\n",
			lines: []string{"crypto pki trustpoint TP", "revocation-check none"},
			want:  "crypto pki trustpoint TP\n enrollment selfsigned\n revocation-check none\n",
		},
		{
			name: "junos set and delete", platform: "juniper_junos", running: junosRunning,
			lines: []string{"set system host-name j9", "delete interfaces ge-0/0/1", "delete system ntp server 10.1.1.1", "set system services ssh"},
			want:  "set system host-name j9\nset system ntp server 10.0.0.9\nset interfaces ge-0/0/0 description uplink\nset interfaces ge-0/0/0 unit 0 family inet address 10.0.12.1/30\nset protocols ospf area 0.0.0.0 interface ge-0/0/0.0\nset system services ssh\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := dialect(t, platformOf(tt.platform))
			tr := configtree.Parse(tt.running, d)
			if err := tr.Apply(tt.lines, d); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, tr.String()); diff != "" {
				t.Errorf("after Apply (-want +got):\n%s", diff)
			}
		})
	}
	d := dialect(t, "juniper_junos")
	if err := (&configtree.Tree{}).Apply([]string{"show version"}, d); err == nil {
		t.Error("junos: a line that is neither set nor delete applied")
	}
}

// TestConvergeRandom diffs random running configs against random desired
// states and checks, for each, that applying the remediation converges and
// that its inverse restores the running config.
func TestConvergeRandom(t *testing.T) {
	for _, platform := range []string{"cisco_iosxe", "juniper_junos"} {
		d := dialect(t, platform)
		for seed := range uint64(300) {
			rng := rand.New(rand.NewPCG(seed, 42))
			var running string
			var want configtree.Desired
			if platform == "juniper_junos" {
				running, want = randomJunos(rng)
			} else {
				running, want = randomIOS(rng)
			}
			tr := configtree.Parse(running, d)
			rem, err := configtree.Diff(tr, want, d)
			if err != nil {
				t.Fatalf("%s seed %d: %v", platform, seed, err)
			}
			t.Run(fmt.Sprintf("%s/%d", platform, seed), func(t *testing.T) {
				checkConverges(t, d, tr, want, rem)
				if t.Failed() {
					t.Logf("running:\n%s\ndesired (%v):\n%s\nabsent:\n%s", running, want.Match, want.Text, want.Absent)
				}
			})
		}
	}
}

// draw is a random running config and desired state being written, for
// TestConvergeRandom. Desired lines use even numbers, absent lines odd ones,
// so that the desired state does not contradict itself.
type draw struct {
	rng               *rand.Rand
	run, text, absent strings.Builder
}

func (w *draw) pick(p float64) bool { return w.rng.Float64() < p }

// hostnameAndNTP draws what the configs of every platform begin with: a
// host name (desired to be one, maybe another) and ntp servers. Each format
// takes one number.
func (w *draw) hostnameAndNTP(hostname, ntp, absentNTP string) {
	fmt.Fprintf(&w.run, hostname, w.rng.IntN(3))
	if w.pick(0.5) {
		fmt.Fprintf(&w.text, hostname, w.rng.IntN(3))
	}
	for n := range 6 {
		if w.pick(0.5) {
			fmt.Fprintf(&w.run, ntp, n)
		}
		if n%2 == 0 && w.pick(0.4) {
			fmt.Fprintf(&w.text, ntp, n)
		}
		if n%2 == 1 && w.pick(0.4) {
			fmt.Fprintf(&w.absent, absentNTP, n)
		}
	}
}

// done draws the match mode and returns the running config and the desired
// state.
func (w *draw) done() (string, configtree.Desired) {
	m := configtree.Merge
	if w.pick(0.5) {
		m = configtree.Exact
	}
	return w.run.String(), configtree.Desired{Text: w.text.String(), Absent: w.absent.String(), Match: m}
}

// randomIOS draws a running config consistent with how IOS shows one (one
// value per single-valued setting, "no ip address" on interfaces without
// one) and a desired state that does not contradict itself: desired lines
// use even numbers, absent lines odd ones.
func randomIOS(rng *rand.Rand) (string, configtree.Desired) {
	w := &draw{rng: rng}
	run, text, absent, pick := &w.run, &w.text, &w.absent, w.pick
	w.hostnameAndNTP("hostname r%d\n", "ntp server 10.0.0.%d\n", "ntp server 10.0.0.%d\n")
	if pick(0.3) {
		run.WriteString("no ip http server\n")
	}
	switch rng.IntN(3) {
	case 0:
		text.WriteString("no ip http server\n")
	case 1:
		text.WriteString("ip http server\n")
	}
	for i := range 4 {
		name := fmt.Sprintf("interface GigabitEthernet%d", i)
		if pick(0.8) {
			run.WriteString(name + "\n")
			if pick(0.6) {
				fmt.Fprintf(run, " description old%d\n", rng.IntN(2))
			}
			if pick(0.6) {
				fmt.Fprintf(run, " ip address 10.%d.0.1 255.255.255.0\n", rng.IntN(2))
				if pick(0.3) {
					fmt.Fprintf(run, " ip address 10.%d.9.1 255.255.255.0 secondary\n", rng.IntN(2))
				}
			} else {
				run.WriteString(" no ip address\n")
			}
			if pick(0.5) {
				run.WriteString(" shutdown\n")
			}
			if pick(0.5) {
				fmt.Fprintf(run, " ip helper-address 10.1.1.%d\n", rng.IntN(3))
			}
		}
		if pick(0.6) {
			text.WriteString(fmt.Sprintf("interface Gi%d\n", i))
			fmt.Fprintf(text, " description old%d\n", rng.IntN(2))
			if pick(0.5) {
				fmt.Fprintf(text, " ip address 10.%d.0.1 255.255.255.0\n", rng.IntN(2))
			}
			switch rng.IntN(3) {
			case 0:
				text.WriteString(" shutdown\n")
			case 1:
				text.WriteString(" no shutdown\n")
			}
		} else if pick(0.3) {
			fmt.Fprintf(absent, "%s\n ip helper-address 10.1.1.%d\n", name, rng.IntN(3))
		}
	}
	if pick(0.6) {
		run.WriteString("router ospf 1\n")
		for n := range 3 {
			if pick(0.5) {
				fmt.Fprintf(run, " network 10.%d.0.0 0.0.0.255 area 0\n", n)
			}
		}
		if pick(0.5) {
			run.WriteString(" passive-interface default\n")
		}
	}
	if pick(0.5) {
		text.WriteString("router ospf 1\n")
		fmt.Fprintf(text, " network 10.%d.0.0 0.0.0.255 area 0\n", rng.IntN(3))
	} else if pick(0.2) {
		absent.WriteString("router ospf 1\n")
	}
	if pick(0.5) {
		run.WriteString("banner motd ^C\nHello\n^C\n")
	}
	if pick(0.3) {
		fmt.Fprintf(text, "banner motd #\nHello %d\n#\n", rng.IntN(2))
	}
	return w.done()
}

func randomJunos(rng *rand.Rand) (string, configtree.Desired) {
	w := &draw{rng: rng}
	run, text, absent, pick := &w.run, &w.text, &w.absent, w.pick
	w.hostnameAndNTP("set system host-name j%d\n", "set system ntp server 10.0.0.%d\n", "delete system ntp server 10.0.0.%d\n")
	for i := range 4 {
		ifc := fmt.Sprintf("interfaces ge-0/0/%d", i)
		if pick(0.7) {
			if pick(0.6) {
				fmt.Fprintf(run, "set %s description d%d\n", ifc, rng.IntN(2))
			}
			if pick(0.5) {
				fmt.Fprintf(run, "set %s disable\n", ifc)
			}
			fmt.Fprintf(run, "set %s unit 0 family inet address 10.%d.0.1/24\n", ifc, rng.IntN(2))
		}
		switch rng.IntN(4) {
		case 0:
			fmt.Fprintf(text, "set %s description d%d\n", ifc, rng.IntN(2))
			fmt.Fprintf(text, "set %s unit 0 family inet address 10.%d.0.1/24\n", ifc, rng.IntN(2))
		case 1:
			fmt.Fprintf(text, "delete %s disable\n", ifc)
		case 2:
			fmt.Fprintf(absent, "set %s\n", ifc)
		}
	}
	return w.done()
}
