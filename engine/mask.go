package engine

import (
	"sort"
	"strings"

	"github.com/netrun/netrun/drivers"
)

// Masked stands for a secret in plans, results, state and errors.
const Masked = "(sensitive)"

// masker hides secrets in text netrun shows or stores.
//
// Secrets are masked where they stand as tokens (drivers.MaskSecrets).
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
	return drivers.MaskSecrets(s, m.secrets, Masked)
}
