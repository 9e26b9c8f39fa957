package sshraw

import (
	"strings"
	"testing"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/platform"
)

func TestCleaner(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []string // chunks as read
		want string
	}{
		{"crlf", []string{"a\r\nb\r\n"}, "a\nb\n"},
		{"lf cr", []string{"a\n\rb"}, "a\nb"},
		{"csi", []string{"\x1b[1;32mgreen\x1b[0m\x1b[K"}, "green"},
		{"csi split", []string{"x\x1b", "[3", "1mred\x1b[", "0m"}, "xred"},
		{"charset", []string{"\x1b(Bplain\x1b)0"}, "plain"},
		{"osc title", []string{"\x1b]0;r1: title\x07text"}, "text"},
		{"osc st", []string{"\x1b]0;t\x1b\\text"}, "text"},
		{"two-byte esc", []string{"\x1b7a\x1b8b\x1b=c"}, "abc"},
		{"backspace", []string{"abx\bc"}, "abc"},
		{"backspace stops at line start", []string{"a\n\b\bb"}, "a\nb"},
		{"bell and nul", []string{"a\x07\x00b"}, "ab"},
		{"cr blanking", []string{"line\n         \rnext"}, "line\nnext"},
		{"cr keeps text", []string{"text\r\r\n"}, "text\n"},
		{"tabs", []string{"a\tb"}, "a\tb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c cleaner
			var buf []byte
			for _, chunk := range tc.in {
				buf = c.write(buf, []byte(chunk))
			}
			if string(buf) != tc.want {
				t.Errorf("got %q, want %q", buf, tc.want)
			}
		})
	}
}

// TestPagerErase checks the guard: after --More-- is cut and answered, the
// device's erase sequence must not eat the output before it.
func TestPagerErase(t *testing.T) {
	var c cleaner
	buf := c.write(nil, []byte("line 1\r\nline 2\r\n --More-- "))
	buf = buf[:len(buf)-len(" --More-- ")]
	c.guard = len(buf)
	buf = c.write(buf, []byte("\b\b\b\b\b\b\b\b\b\b         \b\b\b\b\b\b\b\b\b\bline 3\r\n"))
	buf = c.write(buf, []byte("        \r"+"line 4\r\n"))
	if want := "line 1\nline 2\nline 3\nline 4\n"; string(buf) != want {
		t.Errorf("got %q, want %q", buf, want)
	}
}

func TestLastLine(t *testing.T) {
	long := strings.Repeat("x", maxPromptLine+1)
	for _, tc := range []struct {
		in   string
		want string
		nil  bool
	}{
		{"r1#", "r1#", false},
		{"out\nr1#", "r1#", false},
		{"out\n", "", false},
		{"a\n" + long, "", true},
		{long, "", true},
		{long + "\nr1#", "r1#", false},
	} {
		got := lastLine([]byte(tc.in))
		if string(got) != tc.want || (got == nil) != tc.nil {
			t.Errorf("lastLine(%.20q…) = %q (nil %v), want %q (nil %v)", tc.in, got, got == nil, tc.want, tc.nil)
		}
	}
}

func TestPlatformPatterns(t *testing.T) {
	p, err := compilePlatform(platform.Platforms["cisco_iosxe"])
	if err != nil {
		t.Fatal(err)
	}
	// The expressions are drivers/platform's, the scrapli driver's too.
	if shared, _ := p.Patterns(); p.prompt != shared.Prompt || p.pager != shared.Pager {
		t.Error("sshraw compiled the platform's patterns itself")
	}
	for _, tc := range []struct {
		line                                        string
		prompt, exec, priv, config, password, pager bool
	}{
		{line: "r1>", prompt: true, exec: true},
		{line: "r1#", prompt: true, priv: true},
		{line: "r1# ", prompt: true, priv: true},
		{line: "edge-1.lab(config)#", prompt: true, config: true},
		{line: "r1(config-if)#", prompt: true, config: true},
		{line: "r1(config-router)#", prompt: true, config: true},
		{line: "Password: ", password: true},
		{line: " --More-- ", pager: true},
		{line: "show clock"},
		{line: "interface Gi1 #"},
		{line: "  description r1#"},
	} {
		for _, c := range []struct {
			name string
			got  bool
			want bool
		}{
			{"prompt", match(p.prompt, []byte(tc.line)), tc.prompt},
			{"exec", match(p.exec, []byte(tc.line)), tc.exec},
			{"priv", match(p.priv, []byte(tc.line)), tc.priv},
			{"config", match(p.config, []byte(tc.line)), tc.config},
			{"password", match(p.password, []byte(tc.line)), tc.password},
			{"pager", match(p.pager, []byte(tc.line)), tc.pager},
		} {
			if c.got != c.want {
				t.Errorf("%q: %s match = %v, want %v", tc.line, c.name, c.got, c.want)
			}
		}
	}
}

func TestExcerptMasksSecrets(t *testing.T) {
	s := &session{secrets: []string{"hunter2-long-secret"}, creds: drivers.Credentials{Enable: "hunter2-long-secret"}}
	s.buf = []byte(strings.Repeat("y", 200) + "hunter2-long-secret" + strings.Repeat("z", drivers.ExcerptLen-10))
	got := s.excerpt()
	if strings.Contains(got, "secret") || strings.Contains(got, "hunter") {
		t.Errorf("excerpt leaks the secret: %q", got)
	}
	if !strings.Contains(got, "******") {
		t.Errorf("excerpt lost the mask: %q", got)
	}
	if d := s.describe("hunter2-long-secret"); strings.Contains(d, "hunter") {
		t.Errorf("describe leaks the secret: %q", d)
	}
}
