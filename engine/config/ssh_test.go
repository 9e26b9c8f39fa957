package config_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/engine/config"
)

const (
	testKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINxrTr9mAmkmf09A4P2opL4fk9pe4byYzkjT+X6jtjMh lab"
	testFP  = "SHA256:cUyP3BRiSVcmf27O1YfieBYrvmMLT3KE7qga14vch1E"
)

func TestHostKeysAlgorithmsJumpHosts(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "ssh")
	parser, m := loadModule(t, dir)
	rb, diags := m.Evaluate(config.Inputs{}, testOptions)
	if diags.HasErrors() {
		t.Fatal(diagText(parser, diags))
	}

	bastion := drivers.Credentials{Username: "jump", Password: "b4stion-pass"}
	wantJumps := []*config.JumpHost{
		{Name: "dc1", Connection: config.Connection{Host: "bastion.dc1.example", Port: 2222, Credentials: bastion, CredentialsName: "bastion",
			KnownHosts: filepath.Join(dir, "known_hosts"), Timeout: 5 * time.Second}},
		{Name: "inner", Connection: config.Connection{Host: "10.1.0.1", Port: 22, Credentials: bastion, CredentialsName: "bastion",
			HostKeys: []string{testFP}, Algorithms: drivers.Algorithms{Ciphers: []string{"aes128-cbc"}}, Via: "dc1"}},
	}
	if diff := cmp.Diff(wantJumps, rb.JumpHosts, cmpopts.IgnoreFields(config.JumpHost{}, "DeclRange"), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("JumpHosts (-want +got):\n%s", diff)
	}
	if j := rb.JumpHost("inner"); j == nil || j.Address() != "jump_host.inner" || j.DeclRange.Start.Line != 25 {
		t.Errorf("JumpHost(inner) = %+v", j)
	}
	wantTarget := drivers.Target{Name: "jump_host.inner", Host: "10.1.0.1", Port: 22, Credentials: bastion,
		HostKeys: []string{testFP}, Algorithms: drivers.Algorithms{Ciphers: []string{"aes128-cbc"}}}
	if diff := cmp.Diff(wantTarget, rb.JumpHost("inner").Target("jump_host.inner")); diff != "" {
		t.Errorf("Target (-want +got):\n%s", diff)
	}

	type dev struct {
		Name, Via  string
		HostKeys   []string
		Algorithms drivers.Algorithms
	}
	var got []dev
	for _, d := range rb.Devices {
		got = append(got, dev{d.Name, d.Via, d.HostKeys, d.Algorithms})
	}
	want := []dev{
		{"old", "inner", []string{testKey, testFP}, drivers.Algorithms{
			KeyExchanges:      []string{"diffie-hellman-group1-sha1"},
			Ciphers:           []string{"aes128-cbc", "3des-cbc"},
			HostKeyAlgorithms: []string{"ssh-rsa"},
			MACs:              []string{"hmac-sha1"},
		}},
		{"l1", "dc1", nil, drivers.Algorithms{}},
		{"l2", "dc1", nil, drivers.Algorithms{}},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Devices (-want +got):\n%s", diff)
	}

	// Written order, not key order: the first matching question wins.
	wantExpect := [][]drivers.Expect{
		{
			{Prompt: `Destination filename \[startup-config\]\?`, Answer: ""},
			{Prompt: `\[confirm\]`, Answer: "y"},
			{Prompt: "Password:", Answer: "b4stion-pass"},
			{Prompt: "plain_word", Answer: "yes"},
		},
		{
			{Prompt: `Save\?`, Answer: "no"},
			{Prompt: `\[confirm\]`, Answer: "y"},
		},
	}
	for i, c := range rb.Commands {
		if diff := cmp.Diff(wantExpect[i], c.Expect); diff != "" {
			t.Errorf("command %s Expect (-want +got):\n%s", c.Name, diff)
		}
	}

	if diff := cmp.Diff([]string{"b4stion-pass", "lab-pass"}, rb.Secrets()); diff != "" {
		t.Errorf("Secrets (-want +got):\n%s", diff)
	}

	var warnings []string
	for _, d := range diags {
		if d.Severity == hcl.DiagWarning {
			warnings = append(warnings, d.Detail)
			if d.Subject == nil || !strings.HasSuffix(d.Subject.Filename, "main.hcl") {
				t.Errorf("warning without a location: %s", d.Detail)
			}
		}
	}
	wantWarnings := []string{
		"legacy SSH algorithms enabled for device old only: key exchanges diffie-hellman-group1-sha1; ciphers aes128-cbc, 3des-cbc; host key algorithms ssh-rsa; MACs hmac-sha1.",
		"legacy SSH algorithms enabled for jump_host inner only: ciphers aes128-cbc.",
	}
	if len(warnings) != len(wantWarnings) {
		t.Fatalf("warnings = %q", warnings)
	}
	for i, w := range wantWarnings {
		if !strings.HasPrefix(warnings[i], w) {
			t.Errorf("warning %d = %q, want it to start with %q", i, warnings[i], w)
		}
	}
}

func TestLegacyWarningForEach(t *testing.T) {
	t.Parallel()
	dir := writeRunbook(t, `
device "old" {
  for_each = { a = "aes128-cbc", b = "aes128-cbc", c = "3des-cbc" }
  host     = each.key
  ssh {
    ciphers = [each.value]
  }
}
`)
	parser, m := loadModule(t, dir)
	_, diags := m.Evaluate(config.Inputs{}, testOptions)
	if diags.HasErrors() {
		t.Fatal(diagText(parser, diags))
	}
	var got []string
	for _, d := range diags {
		got = append(got, d.Detail[:strings.Index(d.Detail, ".")])
	}
	want := []string{
		"legacy SSH algorithms enabled for devices a, b only: ciphers aes128-cbc",
		"legacy SSH algorithms enabled for device c only: ciphers 3des-cbc",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}
