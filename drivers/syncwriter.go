package drivers

import (
	"bytes"
	"io"
	"sync"
)

// SyncWriter is an io.Writer many goroutines may share: a session's
// goroutines write transcripts and logs, x/crypto copies stdout and stderr
// from two goroutines, and the CLI's progress lines and plugins' stderr
// reach one stream from many devices at once.
//
// NewSyncWriter serialises writes to another writer; the zero value
// collects them in a buffer that String returns.
type SyncWriter struct {
	mu  sync.Mutex
	w   io.Writer // nil: buf
	buf bytes.Buffer
}

// NewSyncWriter returns a SyncWriter that passes each write on to w, one at
// a time.
func NewSyncWriter(w io.Writer) *SyncWriter {
	return &SyncWriter{w: w}
}

func (s *SyncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w == nil {
		return s.buf.Write(p)
	}
	return s.w.Write(p)
}

// String returns what was written to a collecting SyncWriter (the zero
// value); one made by NewSyncWriter keeps nothing and returns "".
func (s *SyncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
