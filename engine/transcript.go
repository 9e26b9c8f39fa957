package engine

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/netrun/netrun/engine/plan"
	"github.com/netrun/netrun/engine/state"
	"github.com/netrun/netrun/internal/safefile"
)

// This file is what a run shows of a device as it goes: the textbook's
// progress lines and, with Options.TranscriptDir, a transcript per device.

// progress writes "===> 08:35:50.931629 Connection: r17 (10.0.0.17)": the
// textbook's line, with the device's name first, since in a fleet the
// address alone says little (and -sim devices share one).
func (w *walker) progress(arrow, what string, pd plan.Device) {
	if w.opts.Progress == nil {
		return
	}
	w.progressMu.Lock()
	defer w.progressMu.Unlock()
	fmt.Fprintf(w.opts.Progress, "%s %s %s: %s (%s)\n", arrow, w.opts.Now().Format("15:04:05.000000"), what, pd.Name, progressHost(pd))
}

// progressHost is the device's host as the textbook prints it, with the
// port when it is not 22 (a fleet on one address differs only by port).
func progressHost(pd plan.Device) string {
	if pd.Port == 22 || pd.Port == 0 {
		return pd.Host
	}
	return net.JoinHostPort(pd.Host, strconv.Itoa(pd.Port))
}

// transcript creates the device's transcript file, replacing an old one
// (or a symbolic link planted at its name) rather than writing through it.
// The file is at its name from the first line on, so a transcript is whole
// however the run ends. Drivers mask the device's own secrets; the
// runbook's other secrets are masked here too.
func (w *walker) transcript(pd plan.Device) (*os.File, error) {
	if err := os.MkdirAll(w.opts.TranscriptDir, 0o700); err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	path := filepath.Join(w.opts.TranscriptDir, state.FileName(pd.Name)+".log")
	f, err := safefile.Create(path, 0o600)
	if err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	fmt.Fprintf(f, "# netrun transcript of %s (%s:%d, %s via %s), started %s\n", pd.Name, pd.Host, pd.Port,
		pd.Platform, pd.Driver, w.opts.Now().UTC().Format(time.RFC3339))
	fmt.Fprintln(f, "# Lines starting \">>> \" are what netrun sent; the rest is what the device sent. Secrets are masked.")
	return f, nil
}

// maskingWriter masks the runbook's secrets (sensitive variables used in
// commands, say) in what a driver writes to a transcript.
type maskingWriter struct {
	w io.Writer
	m *masker
}

func (mw maskingWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(mw.w, mw.m.String(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
