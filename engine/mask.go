package engine

import (
	"slices"
	"sort"
	"strings"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/engine/config"
)

// Masked stands for a secret in plans, results, state and errors.
const Masked = "(sensitive)"

// masker hides secrets in text netrun shows or stores whose provenance it
// does not know: device output, errors, configurations read back.
//
// Secrets are masked as drivers.MaskSecrets does (long ones anywhere, short
// ones where they stand as a word). Phrases (whole lines built from
// sensitive values) are masked wherever they appear, longest first, so a
// line that contains another sensitive line is still masked whole.
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
	phrases = slices.Clone(phrases)
	// A Replacer tries its pairs in argument order at each position.
	sort.SliceStable(phrases, func(i, j int) bool { return len(phrases[i]) > len(phrases[j]) })
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

// String masks every phrase, and every secret as drivers.MaskSecrets does.
func (m *masker) String(s string) string {
	if m.phrases != nil {
		s = m.phrases.Replace(s)
	}
	return drivers.MaskSecrets(s, m.secrets, Masked)
}

// except is m without the secrets equal to one of plain: values a message
// holds by provenance as non-secret fields (a login error's username). A
// username that happens to equal a password is shown anyway, as the
// username, and must not turn "user "cisco"" into "user "(sensitive)"".
func (m *masker) except(plain ...string) *masker {
	out := &masker{phrases: m.phrases}
	for _, s := range m.secrets {
		if !slices.Contains(plain, s) {
			out.secrets = append(out.secrets, s)
		}
	}
	return out
}

// lines is how a command block's lines are shown, by provenance: a line
// built from a sensitive value is Masked whole, whatever the other lines
// hold; the others are masked as free text, for a secret written literally.
func (m *masker) lines(c *config.Command) []string {
	in := linesOf(c)
	out := make([]string, len(in))
	for i, l := range in {
		if sensitiveLine(c, i) {
			out[i] = Masked
		} else {
			out[i] = m.String(l)
		}
	}
	return out
}

// line is how one line a device names (a rejected configuration line) is
// shown: Masked when it is one of c's sensitive lines.
func (m *masker) line(c *config.Command, l string) string {
	for i, s := range linesOf(c) {
		if s == l && sensitiveLine(c, i) {
			return Masked
		}
	}
	return m.String(l)
}

// linesOf is what a command block sends: its commands or its configuration.
func linesOf(c *config.Command) []string {
	if len(c.Configure) > 0 {
		return c.Configure
	}
	return c.Commands
}

func sensitiveLine(c *config.Command, i int) bool {
	return i < len(c.Sensitive) && c.Sensitive[i]
}

// logins are the usernames a device's connection errors may name: its own
// and those of the jump hosts it is reached through.
func logins(rb *config.Runbook, device string) []string {
	d := rb.Device(device)
	if d == nil {
		return nil
	}
	out := []string{d.Credentials.Username}
	seen := map[string]bool{}
	for via := d.Via; via != "" && !seen[via]; {
		seen[via] = true
		j := rb.JumpHost(via)
		if j == nil {
			break
		}
		out = append(out, j.Credentials.Username)
		via = j.Via
	}
	return out
}

// deviceError is how an error of a device is shown: named, secrets masked
// except those equal to a username it names by provenance (a login error).
func (w *walker) deviceError(device string, err error) string {
	return w.mask.except(logins(w.rb, device)...).String(named(device, err).Error())
}
