package config_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netrun/netrun/engine/config"
)

// TestDefaultsAndGroups: each attribute a device does not set comes from
// its last group that sets it, then from defaults, then from netrun's own
// default; tags are the union of all of them.
func TestDefaultsAndGroups(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "inventory")
	rb := load(t, dir, config.Inputs{})
	type effective struct {
		Platform, Driver, Credentials, Via string
		Port                               int
		Timeout                            time.Duration
		Tags, Groups                       []string
		Legacy                             bool
	}
	tests := map[string]effective{
		// defaults over netrun's defaults (driver ssh, port 22)
		"plain": {Platform: "cisco_nxos", Driver: "ssh", Credentials: "lab", Port: 22, Timeout: 30 * time.Second,
			Tags: []string{"managed"}},
		// a group over defaults
		"core1": {Platform: "arista_eos", Driver: "ssh", Credentials: "core", Port: 2222, Timeout: 30 * time.Second,
			Tags: []string{"managed", "core"}, Groups: []string{"core"}},
		// the later group wins
		"core_dc1": {Platform: "juniper_junos", Driver: "scrapli", Credentials: "core", Via: "bastion", Port: 2222, Timeout: 30 * time.Second,
			Tags: []string{"managed", "core", "dc1"}, Groups: []string{"core", "dc1"}, Legacy: true},
		"dc1_core": {Platform: "arista_eos", Driver: "scrapli", Credentials: "core", Via: "bastion", Port: 2222, Timeout: 30 * time.Second,
			Tags: []string{"managed", "dc1", "core"}, Groups: []string{"dc1", "core"}, Legacy: true},
		// the device wins; its tags add to the inherited ones
		"override": {Platform: "cisco_iosxe", Driver: "ssh", Credentials: "core", Port: 22, Timeout: 5 * time.Second,
			Tags: []string{"managed", "core", "edge"}, Groups: []string{"core"}},
		// for_each instances inherit as well
		"f1": {Platform: "arista_eos", Driver: "ssh", Credentials: "core", Port: 2222, Timeout: 30 * time.Second,
			Tags: []string{"managed", "core"}, Groups: []string{"core"}},
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			d := rb.Device(name)
			if d == nil {
				t.Fatalf("no device %q", name)
			}
			got := effective{Platform: d.Platform, Driver: d.Driver, Credentials: d.CredentialsName, Via: d.Via,
				Port: d.Port, Timeout: d.Timeout, Tags: d.Tags, Groups: d.Groups, Legacy: !d.Algorithms.Empty()}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("effective values (-want +got):\n%s", diff)
			}
			if d.Credentials.Username != want.Credentials {
				t.Errorf("username %q, want %q", d.Credentials.Username, want.Credentials)
			}
			if want := filepath.Join(dir, "known_hosts"); d.KnownHosts != want {
				t.Errorf("known_hosts %q, want %q", d.KnownHosts, want)
			}
		})
	}
}

// TestConfigLinesAsList: text and absent take a list of lines as well as a
// multi-line string, and mean the same.
func TestConfigLinesAsList(t *testing.T) {
	t.Parallel()
	rb := load(t, filepath.Join("testdata", "inventory"), config.Inputs{})
	var motd, mixed *config.Desired
	for _, c := range rb.Configs {
		switch c.Name {
		case "motd":
			motd = c
		case "mixed":
			mixed = c
		}
	}
	if got, want := motd.Text["core1"], "banner motd ^core1^\nhostname core1\n"; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
	if got, want := motd.Absent["plain"], "ip http server\nip http secure-server\n"; got != want {
		t.Errorf("absent = %q, want %q", got, want)
	}
	if got, want := mixed.Text["plain"], "hostname plain\n"; got != want {
		t.Errorf("string text = %q, want %q", got, want)
	}
}
