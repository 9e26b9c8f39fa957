package drivers

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
)

// Transcript records one device session for -transcript-dir: what the device
// sent, byte for byte, and each input netrun sent on its own line marked
// ">>> ". Secrets are masked in both directions. Drivers call Sent and
// Received from any goroutine; a nil *Transcript records nothing.
type Transcript struct {
	mu      sync.Mutex
	w       io.Writer
	secrets []string
	atBOL   bool   // the last byte written ended a line
	pending []byte // received text after the last newline, not yet written
	err     error
}

// maxPending bounds the received text held back while waiting for the end
// of its line (a prompt has none: Sent and Flush write it).
const maxPending = 4096

// NewTranscript writes a transcript to w (nil w gives a nil Transcript),
// masking secrets (longest first, as Credentials.Secrets gives them).
func NewTranscript(w io.Writer, secrets []string) *Transcript {
	if w == nil {
		return nil
	}
	return &Transcript{w: w, secrets: secrets, atBOL: true}
}

// Mask is the text that stands for a secret in transcripts.
const Mask = "******"

func (t *Transcript) mask(p []byte) []byte {
	for _, s := range t.secrets {
		if s != "" && bytes.Contains(p, []byte(s)) {
			return []byte(MaskSecrets(string(p), t.secrets, Mask))
		}
	}
	return p
}

// Sent records input sent to the device; a trailing newline is implied by
// the ">>> " line.
func (t *Transcript) Sent(p []byte) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.flush() // the prompt the input answers comes first
	text := string(t.mask(p))
	text = strings.TrimSuffix(strings.TrimSuffix(text, "\n"), "\r")
	if strings.ContainsAny(text, "\r\n\x00\x1b") || text == " " {
		text = fmt.Sprintf("%q", text) // control characters and pager answers, visibly
	}
	prefix := ""
	if !t.atBOL {
		prefix = "\n"
	}
	t.write([]byte(prefix + ">>> " + text + "\n"))
	t.atBOL = true
}

// Received records what the device sent. Text is written a line at a
// time, so a secret split between two reads is still masked whole.
func (t *Transcript) Received(p []byte) {
	if t == nil || len(p) == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pending = append(t.pending, p...)
	cut := bytes.LastIndexByte(t.pending, '\n') + 1
	if cut == 0 && len(t.pending) > maxPending {
		cut = len(t.pending) - maxPending/2
	}
	if cut > 0 {
		t.emit(t.pending[:cut])
		t.pending = append(t.pending[:0], t.pending[cut:]...)
	}
}

// Flush writes received text still held back; drivers call it when the
// session closes.
func (t *Transcript) Flush() {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.flush()
}

func (t *Transcript) flush() {
	if len(t.pending) > 0 {
		t.emit(t.pending)
		t.pending = t.pending[:0]
	}
}

func (t *Transcript) emit(p []byte) {
	p = t.mask(append([]byte(nil), p...))
	t.write(p)
	t.atBOL = p[len(p)-1] == '\n'
}

func (t *Transcript) write(p []byte) {
	if t.err == nil {
		_, t.err = t.w.Write(p)
	}
}
