package config_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netrun/netrun/engine/config"
)

func TestDriverSettings(t *testing.T) {
	t.Parallel()
	rb := load(t, filepath.Join("testdata", "driver_settings"), config.Inputs{})

	env := func(node string) map[string]any {
		return map[string]any{"REGION": "eu-west", "NODE": node, "LIMIT": "5", "PEER": "10.0.0.3"}
	}
	want := map[string]map[string]any{
		"h1": {
			"token": "tok-secret-1", "shell": "/bin/bash", "env": env("h1"), "sudo": false,
			"retries": 2.5, "paths": []any{"/usr/bin", "/sbin"},
		},
		"h2": {
			"token": "tok-secret-1", "shell": "/bin/bash", "env": env("h2"), "sudo": true,
			"retries": 2.5, "paths": []any{"/usr/bin", "/sbin"},
		},
		"plain": {"token": "Bearer tok-secret-1"},
		"r1":    nil,
	}
	got := map[string]map[string]any{}
	for _, d := range rb.Devices {
		got[d.Name] = d.Settings
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Settings (-want +got):\n%s", diff)
	}

	// Settings built from a sensitive value are allowed, and masked.
	wantSecrets := []string{"Bearer tok-secret-1", "tok-secret-1"}
	if diff := cmp.Diff(wantSecrets, rb.Secrets()); diff != "" {
		t.Errorf("Secrets (-want +got):\n%s", diff)
	}
}

// An error in a for_each block's settings is reported once, not once per
// instance.
func TestDriverSettingsErrorsOncePerBlock(t *testing.T) {
	t.Parallel()
	dir := writeRunbook(t, `device "h" {
  for_each = toset(["a", "b", "c"])
  host     = each.key
  driver   = "fake"
  token    = "t"
  shel     = "/bin/sh"
}
`)
	parser, m := loadModule(t, dir)
	_, diags := m.Evaluate(config.Inputs{}, testOptions)
	if len(diags) != 1 || !strings.Contains(diags[0].Detail, `Did you mean "shell"?`) {
		t.Errorf("want one diagnostic suggesting shell, got %d:\n%s", len(diags), diagText(parser, diags))
	}
}

// Without a schema for its driver, a device keeps rejecting attributes
// netrun does not know, whatever LoadOptions.Schemas holds for others.
func TestDriverSettingsNeedSchema(t *testing.T) {
	t.Parallel()
	dir := writeRunbook(t, `device "r1" {
  host   = "10.0.0.1"
  driver = "fake"
  token  = "t"
}
`)
	parser, m := loadModule(t, dir)
	opts := testOptions
	opts.Schemas = nil
	_, diags := m.Evaluate(config.Inputs{}, opts)
	if len(diags) != 1 || !strings.Contains(diags[0].Detail, `The driver "fake" takes no settings of its own`) {
		t.Errorf("want one unsupported argument error, got:\n%s", diagText(parser, diags))
	}
}
