package engine

import "testing"

func TestMasker(t *testing.T) {
	t.Parallel()
	m := newMasker([]string{"cisco", "e", "s3cr3t"}, "username bob secret ABC")
	tests := []struct{ in, want string }{
		{"enable secret cisco", "enable secret (sensitive)"},
		{"Password: cisco\n", "Password: (sensitive)\n"},
		{`key "cisco"`, `key "(sensitive)"`},
		{"http://www.cisco.com/techsupport", "http://www.cisco.com/techsupport"},
		{"show version", "show version"},
		{"a e b", "a (sensitive) b"},
		{"ciscocisco cisco", "ciscocisco (sensitive)"},
		{"x=s3cr3t,y=s3cr3t", "x=(sensitive),y=(sensitive)"},
		{"r1#username bob secret ABC\nr1#", "r1#(sensitive)\nr1#"},
	}
	for _, tt := range tests {
		if got := m.String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskerURLs(t *testing.T) {
	t.Parallel()
	m := newMasker([]string{"S3cretPw", "cisco"})
	tests := []struct{ in, want string }{
		{"copy scp://backup:S3cretPw@127.0.0.9/r1.cfg flash:", "copy scp://backup:(sensitive)@127.0.0.9/r1.cfg flash:"},
		{"key/S3cretPw/x", "key/(sensitive)/x"},
		{"cisco-ios cisco_x www.cisco.com", "cisco-ios cisco_x www.cisco.com"},
	}
	for _, tt := range tests {
		if got := m.String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
