package sshraw_test

import (
	"testing"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/drivertest"
	"github.com/netrun/netrun/drivers/sshraw"
)

var newDriver = drivertest.NewDriver(sshraw.New)

// TestConformance: what every driver does (drivertest.Run). What follows
// here and in wire_test.go is this driver's own.
func TestConformance(t *testing.T) {
	t.Parallel()
	drivertest.Run(t, newDriver)
}

// TestSecretsLongestFirst: an enable secret that contains the password
// comes first, so error excerpts and transcripts mask it whole rather than
// leaving its tail ("******123").
func TestSecretsLongestFirst(t *testing.T) {
	t.Parallel()
	creds := drivers.Credentials{Password: "cisco", Enable: "cisco123"}
	if got := creds.Secrets(); len(got) != 2 || got[0] != "cisco123" {
		t.Fatalf("Secrets() = %q, want the longest first", got)
	}
}
