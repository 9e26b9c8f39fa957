package engine

import (
	"sort"
	"strings"
)

// Masked stands for a secret in plans, results, state and errors.
const Masked = "(sensitive)"

// masker hides secrets in text netrun shows or stores.
//
// A secret is masked where it stands as a token of its own: between spaces,
// quotes, line ends or punctuation such as '=' and ':'. That is how secrets
// appear in commands and configurations ("enable secret s3cret",
// "password: s3cret"), while a lab password such as "cisco" inside
// "www.cisco.com" is left alone: masking every substring would corrupt
// device output and, worse, reveal the secret by where the holes are.
// Phrases (whole commands built from sensitive values) are masked wherever
// they appear.
type masker struct {
	secrets []string // longest first, so a secret containing another wins
	phrases *strings.Replacer
}

func newMasker(secrets []string, phrases ...string) *masker {
	m := &masker{}
	for _, s := range secrets {
		if s != "" {
			m.secrets = append(m.secrets, s)
		}
	}
	sort.Slice(m.secrets, func(i, j int) bool { return len(m.secrets[i]) > len(m.secrets[j]) })
	var pairs []string
	for _, p := range phrases {
		if p != "" {
			pairs = append(pairs, p, Masked)
		}
	}
	if len(pairs) > 0 {
		m.phrases = strings.NewReplacer(pairs...)
	}
	return m
}

// String masks every phrase, and every secret standing as a token.
func (m *masker) String(s string) string {
	if m.phrases != nil {
		s = m.phrases.Replace(s)
	}
	for _, sec := range m.secrets {
		s = maskTokens(s, sec)
	}
	return s
}

func maskTokens(s, secret string) string {
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
		b.WriteString(Masked)
		last, from = end, end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// boundary reports whether s[i] separates tokens; outside s counts as one.
func boundary(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return true
	}
	switch s[i] {
	case ' ', '\t', '\n', '\r', '"', '\'', '`', '=', ':', ',', ';', '(', ')', '[', ']', '{', '}', '<', '>':
		return true
	}
	return false
}
