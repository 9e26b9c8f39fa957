package configtree_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netrun/netrun/engine/configtree"
)

var update = flag.Bool("update", false, "rewrite golden files")

func dialect(t testing.TB, platform string) configtree.Dialect {
	t.Helper()
	d, err := configtree.DialectFor(platform)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// sorted returns the canonical text of a tree with the lines of every
// section sorted: devices keep their own order, which a model that appends
// new lines does not reproduce.
func sorted(tr *configtree.Tree) string {
	c := tr.Clone()
	var sortNodes func([]*configtree.Node)
	sortNodes = func(ns []*configtree.Node) {
		sort.SliceStable(ns, func(a, b int) bool { return ns[a].Line < ns[b].Line })
		for _, n := range ns {
			sortNodes(n.Children)
		}
	}
	sortNodes(c.Children)
	return c.String()
}

func TestDialectFor(t *testing.T) {
	for _, p := range []string{"cisco_iosxe", "cisco_ios", "cisco_nxos", "cisco_iosxr", "arista_eos", "juniper_junos", ""} {
		d := dialect(t, p)
		if err := d.Validate(); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		if d.Negate == "" {
			t.Errorf("%s: no negation", p)
		}
	}
	if d := dialect(t, "juniper_junos"); d.Style != configtree.SetLines || d.ExitSection != "" {
		t.Errorf("junos: style %v, exit %q", d.Style, d.ExitSection)
	}
	_, err := configtree.DialectFor("hp_procurve")
	if !errors.Is(err, configtree.ErrPlatform) || !strings.Contains(err.Error(), "hp_procurve") {
		t.Errorf("unknown platform: %v", err)
	}
}

// parseCase is text in a platform's dialect and what parsing it gives:
// canonical text, or the start of an error.
type parseCase struct{ name, platform, text, want string }

func TestParse(t *testing.T) {
	tests := []parseCase{
		{"tolerant whitespace", "cisco_iosxe", "hostname r1  \r\n\r\ninterface Gi1\r\n\tdescription x \r\n\tshutdown\r\n\n", "hostname r1\ninterface Gi1\n description x\n shutdown\n"},
		{"headers and comments dropped", "cisco_iosxe", "Building configuration...\n\nCurrent configuration : 120 bytes\n!\n! Last configuration change at 08:35:50 UTC Fri Jul 26 2019\nversion 17.3\nntp clock-period 17179865\nhostname r1\nrouter rip\n version 2\n !\nend\n", "hostname r1\nrouter rip\n version 2\n"},
		{"NX-OS two spaces", "cisco_nxos", "interface Ethernet1/1\n  description a\n  no shutdown\nrouter bgp 1\n  neighbor 10.0.0.1\n    remote-as 2\n  log-neighbor-changes\n", "interface Ethernet1/1\n description a\n no shutdown\nrouter bgp 1\n neighbor 10.0.0.1\n  remote-as 2\n log-neighbor-changes\n"},
		{"EOS three spaces", "arista_eos", "interface Ethernet1\n   description a\n   no switchport\n!\nend\n", "interface Ethernet1\n description a\n no switchport\n"},
		{"between levels joins the shallower", "cisco_iosxe", "a\n   b\n  c\n", "a\n b\n c\n"},
		{"indented as a whole", "cisco_iosxe", "    interface Gi1\n      description x\n    ntp server 1.1.1.1\n", "interface Gi1\n description x\nntp server 1.1.1.1\n"},
		{"banner block with caret C", "cisco_iosxe", "banner motd ^C\nHello !\n  end\n^C\n!\nntp server 1.1.1.1\n", "banner motd ^C\nHello !\n  end\n^C\nntp server 1.1.1.1\n"},
		{"banner with another delimiter is canonical", "cisco_iosxe", "banner login #\nHello\n#\nbanner exec %one line%\n", "banner login ^C\nHello\n^C\nbanner exec ^Cone line^C\n"},
		{"EOS banner ends with EOF", "arista_eos", "banner motd\nHello\n!\nEOF\nhostname e1\n", "banner motd\nHello\n!\nEOF\nhostname e1\n"},
		{"junos set lines", "juniper_junos", "## Last commit: 2019-07-26 08:35:50 UTC by admin\r\nset version 20.4R3.8\nset system host-name j1  \n\nset system ntp server 10.0.0.9\n", "set system host-name j1\nset system ntp server 10.0.0.9\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := configtree.Parse(tt.text, dialect(t, tt.platform)).String()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseGolden parses the realistic running configs under testdata and
// compares their canonical text with the golden files (go test -update
// rewrites them).
func TestParseGolden(t *testing.T) {
	for _, c := range []struct{ file, platform string }{
		{"iosxe_running.txt", "cisco_iosxe"},
		{"nxos_running.txt", "cisco_nxos"},
		{"eos_running.txt", "arista_eos"},
		{"junos_set.txt", "juniper_junos"},
	} {
		t.Run(c.file, func(t *testing.T) {
			d := dialect(t, c.platform)
			tr := configtree.Parse(readFile(t, c.file), d)
			got := tr.String()
			golden := filepath.Join("testdata", strings.TrimSuffix(c.file, ".txt")+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("canonical text (-want +got):\n%s", diff)
			}
			// The canonical text is a fixed point.
			if again := configtree.Parse(got, d).String(); again != got {
				t.Errorf("canonical text does not parse to itself:\n%s", cmp.Diff(got, again))
			}
		})
	}
}

func TestParseGoldenStructure(t *testing.T) {
	tr := configtree.Parse(readFile(t, "iosxe_running.txt"), dialect(t, "cisco_iosxe"))
	if n := tr.Find("interface GigabitEthernet2", "shutdown"); n == nil {
		t.Error("Gi2 shutdown not found")
	}
	if n := tr.Find("line vty 0 4", "transport input ssh"); n == nil {
		t.Error("line vty 0 4 transport not found")
	}
	var banner *configtree.Node
	for _, n := range tr.Children {
		if strings.HasPrefix(n.Line, "banner motd") {
			banner = n
		}
	}
	if banner == nil || strings.Count(banner.Line, "\n") != 6 || len(banner.Children) != 0 {
		t.Errorf("banner is not one block of 7 lines: %+v", banner)
	}
	for _, n := range tr.Children {
		if n.Line == "end" || strings.HasPrefix(n.Line, "!") || strings.HasPrefix(n.Line, "version") {
			t.Errorf("ignored line kept: %q", n.Line)
		}
	}
}

func TestParseDesiredErrors(t *testing.T) {
	tests := []parseCase{
		{"inconsistent indentation", "cisco_iosxe", "ntp server 1.1.1.1\ninterface Gi1\n   description a\n  shutdown\n", "line 4: "},
		{"junos line without set", "juniper_junos", "set system host-name j1\nsystem ntp server 1.1.1.1\n", "line 2: "},
		{"banner not closed", "cisco_iosxe", "banner motd ^C\nHello\n", "line 1: banner is not closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := configtree.ParseDesired(tt.text, dialect(t, tt.platform))
			var pe *configtree.ParseError
			if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error starting %q", err, tt.want)
			}
			_, err = configtree.Diff(&configtree.Tree{}, configtree.Desired{Absent: tt.text}, dialect(t, tt.platform))
			if err == nil || !strings.HasPrefix(err.Error(), "absent: "+tt.want) {
				t.Errorf("Diff: got %v, want an error starting %q", err, "absent: "+tt.want)
			}
		})
	}
}

func TestDigest(t *testing.T) {
	d := dialect(t, "cisco_iosxe")
	base := readFile(t, "iosxe_running.txt")
	same := strings.NewReplacer(
		"08:35:50 UTC Fri Jul 26 2019", "11:02:07 UTC Sat Jul 27 2019",
		"4127 bytes", "4133 bytes",
		"\n", "  \r\n",
	).Replace(base) + "ntp clock-period 17179870\n"
	changed := strings.Replace(base, "ntp server 10.0.0.9", "ntp server 10.0.0.10", 1)

	a, b, c := configtree.Digest(base, d), configtree.Digest(same, d), configtree.Digest(changed, d)
	if !strings.HasPrefix(a, "sha256:") || len(a) != len("sha256:")+64 {
		t.Errorf("digest %q", a)
	}
	if a != b {
		t.Errorf("unchanged device, different digests: %s, %s", a, b)
	}
	if a == c {
		t.Error("changed device, same digest")
	}
}

func readFile(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
