package drivers

import (
	"strings"
	"unicode/utf8"
)

// ExcerptLen is how much of a device's output an error quotes.
const ExcerptLen = 120

// Excerpt is the end of tail for an error message: at most ExcerptLen
// bytes, cut at a character boundary, secrets masked as MaskSecrets does.
// Pass a tail longer than ExcerptLen by the secrets' length, so a secret cut
// by the excerpt's start is still masked.
func Excerpt(tail string, secrets []string) string {
	tail = MaskSecrets(tail, secrets, Mask)
	if len(tail) <= ExcerptLen {
		return tail
	}
	cut := len(tail) - ExcerptLen
	for cut < len(tail) && !utf8.RuneStart(tail[cut]) {
		cut++
	}
	return "…" + tail[cut:]
}

// WordSecretLen is the length below which a secret is masked only where
// it stands as a word of its own.
const WordSecretLen = 8

// MaskSecrets replaces each secret in s with mask. A secret of WordSecretLen
// bytes or more is masked wherever it appears, inside a word too
// ("key-s3cretPassw0rd"): a long secret is unlikely to occur by chance, and
// any part of a device's text may quote it. A shorter one, a lab password
// such as "cisco", is masked only where it stands as a token: between
// spaces, quotes, line ends or punctuation such as '=' and ':'. That is how
// secrets appear in commands, configurations and prompts ("enable secret
// cisco", "password: cisco"), while "www.cisco.com" is left whole: masking
// every substring of a common word would corrupt device output and, worse,
// reveal the secret by where the holes are. Where a short secret stands as
// a word ("by cisco Systems") it is masked, as netrun cannot tell the
// device's word from the secret. Pass secrets longest first when one
// contains another.
func MaskSecrets(s string, secrets []string, mask string) string {
	for _, sec := range secrets {
		switch {
		case sec == "":
		case len(sec) >= WordSecretLen:
			s = strings.ReplaceAll(s, sec, mask)
		default:
			s = maskToken(s, sec, mask)
		}
	}
	return s
}

func maskToken(s, secret, mask string) string {
	var b strings.Builder
	last, from := 0, 0
	for {
		j := strings.Index(s[from:], secret)
		if j < 0 {
			break
		}
		i := from + j
		end := i + len(secret)
		if !boundary(s, i-1) || !boundary(s, end) {
			from = i + 1
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(mask)
		last, from = end, end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// boundary reports whether s[i] separates tokens; outside s counts as one.
// Letters, digits and the characters that join words into names ('.', '-',
// '_') do not: that keeps "cisco" in "www.cisco.com" whole.
func boundary(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return true
	}
	c := s[i]
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '_':
		return false
	case c >= 0x80: // inside a UTF-8 sequence: part of a word
		return false
	}
	return true
}
