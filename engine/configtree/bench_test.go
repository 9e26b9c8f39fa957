package configtree_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/netrun/netrun/engine/configtree"
)

// running300 is a 300-line IOS running config as "show running-config"
// prints it: the realistic testdata config and 40 more interfaces.
func running300(tb testing.TB) string {
	tb.Helper()
	var b strings.Builder
	b.WriteString(readFile(tb, "iosxe_running.txt"))
	for i := 0; strings.Count(b.String(), "\n") < 300; i++ {
		fmt.Fprintf(&b, "interface GigabitEthernet1/0/%d\n description access port %d\n switchport access vlan %d\n switchport mode access\n spanning-tree portfast\n!\n", i, i, 10+i%4)
	}
	return b.String()
}

const desired300 = `hostname r1
ntp server 10.0.0.1
ntp server 10.0.0.2
logging host 10.1.1.20
snmp-server location DC1 rack 12
interface GigabitEthernet2
 description access ports
 ip address 192.168.10.1 255.255.255.0
 no shutdown
interface GigabitEthernet1/0/7
 description printer
 switchport access vlan 30
router ospf 1
 network 10.255.0.1 0.0.0.0 area 0
line vty 0 4
 exec-timeout 5 0
`

func TestRunning300(t *testing.T) {
	d := dialect(t, "cisco_iosxe")
	text := running300(t)
	if n := strings.Count(text, "\n"); n < 300 || n > 310 {
		t.Fatalf("%d lines", n)
	}
	for _, m := range []configtree.Match{configtree.Merge, configtree.Exact} {
		want := configtree.Desired{Text: desired300, Absent: "ntp server 10.0.0.9\n", Match: m}
		tr := configtree.Parse(text, d)
		rem, err := configtree.Diff(tr, want, d)
		if err != nil {
			t.Fatal(err)
		}
		if rem.Empty() {
			t.Fatal("no changes")
		}
		checkConverges(t, d, tr, want, rem)
	}
}

// BenchmarkDiff300 is what a plan does per device once the running config
// is read: parse a 300-line config and diff it against a desired state.
func BenchmarkDiff300(b *testing.B) {
	d := dialect(b, "cisco_iosxe")
	text := running300(b)
	want := configtree.Desired{Text: desired300, Absent: "ntp server 10.0.0.9\n", Match: configtree.Exact}
	b.ReportAllocs()
	for b.Loop() {
		rem, err := configtree.Diff(configtree.Parse(text, d), want, d)
		if err != nil || rem.Empty() {
			b.Fatal(err)
		}
	}
}

// BenchmarkDigest300 is the stale-plan check per device.
func BenchmarkDigest300(b *testing.B) {
	d := dialect(b, "cisco_iosxe")
	text := running300(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = configtree.Digest(text, d)
	}
}
