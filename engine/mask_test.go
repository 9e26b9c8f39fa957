package engine

import "testing"

func TestMasker(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name             string
		secrets, phrases []string
		tests            []struct{ in, want string }
	}{
		{"tokens", []string{"cisco", "e", "s3cr3t"}, []string{"username bob secret ABC"}, []struct{ in, want string }{
			{"enable secret cisco", "enable secret (sensitive)"},
			{"Password: cisco\n", "Password: (sensitive)\n"},
			{`key "cisco"`, `key "(sensitive)"`},
			{"http://www.cisco.com/techsupport", "http://www.cisco.com/techsupport"},
			{"show version", "show version"},
			{"a e b", "a (sensitive) b"},
			{"ciscocisco cisco", "ciscocisco (sensitive)"},
			{"x=s3cr3t,y=s3cr3t", "x=(sensitive),y=(sensitive)"},
			{"r1#username bob secret ABC\nr1#", "r1#(sensitive)\nr1#"},
		}},
		{"urls", []string{"S3cretPw", "cisco"}, nil, []struct{ in, want string }{
			{"copy scp://backup:S3cretPw@127.0.0.9/r1.cfg flash:", "copy scp://backup:(sensitive)@127.0.0.9/r1.cfg flash:"},
			{"key/S3cretPw/x", "key/(sensitive)/x"},
			{"cisco-ios cisco_x www.cisco.com", "cisco-ios cisco_x www.cisco.com"},
			{"snmp-server community key-S3cretPw RO", "snmp-server community key-(sensitive) RO"},
		}},
		// A sensitive line that begins another is no reason to mask the
		// other in part: the longer one is masked whole, wherever it comes.
		{"overlapping lines", []string{"Tok3nAlpha9q", "pw"}, []string{"show Tok3nAlpha9q", "show Tok3nAlpha9q key-pw"}, []struct{ in, want string }{
			{"r1#show Tok3nAlpha9q key-pw\nr1#show Tok3nAlpha9q\n", "r1#(sensitive)\nr1#(sensitive)\n"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMasker(tc.secrets, tc.phrases...)
			for _, tt := range tc.tests {
				if got := m.String(tt.in); got != tt.want {
					t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
				}
			}
		})
	}
}
