package drivers_test

import (
	"testing"

	"github.com/netrun/netrun/drivers"
)

// TestMaskSecrets: long secrets are masked anywhere, short ones as words.
func TestMaskSecrets(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"snmp-server community key-Pa55wordXyz7 RO", "snmp-server community key-* RO"},
		{"enable secret cisco", "enable secret *"},
		{"by cisco Systems", "by * Systems"},
		{"http://www.cisco.com/techsupport", "http://www.cisco.com/techsupport"},
		{"key-cisco", "key-cisco"},
		{`password: "cisco"`, `password: "*"`},
	} {
		if got := drivers.MaskSecrets(tc.in, []string{"Pa55wordXyz7", "cisco"}, "*"); got != tc.want {
			t.Errorf("MaskSecrets(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
