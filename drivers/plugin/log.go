package plugin

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// A driver's log records travel back in the reply of the call during which
// they were made (or the next one), so they reach the session's
// Target.Logger in order and attributed to the right device; stderr would
// race the reply. Attribute values cross as text.

// logRecord is one slog record on the wire; Attrs alternates keys and
// values, groups flattened into dotted keys.
type logRecord struct {
	Time    int64
	Level   int
	Message string
	Attrs   []string
}

// maxLogRecords bounds the records kept between two replies.
const maxLogRecords = 1000

// logSink collects a remote session's records until the next reply.
type logSink struct {
	mu      sync.Mutex
	records []logRecord
	dropped int
}

func (s *logSink) add(r logRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.records) >= maxLogRecords {
		s.dropped++
		return
	}
	s.records = append(s.records, r)
}

// take returns the records collected so far and forgets them.
func (s *logSink) take() []logRecord {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.records
	if s.dropped > 0 {
		out = append(out, logRecord{Time: time.Now().UnixNano(), Level: int(slog.LevelWarn),
			Message: "driver log records dropped", Attrs: []string{"count", itoa(s.dropped)}})
	}
	s.records, s.dropped = nil, 0
	return out
}

func itoa(n int) string { return slog.IntValue(n).String() }

// captureHandler is the slog.Handler of a remote session's Target.Logger.
type captureHandler struct {
	level slog.Level
	sink  *logSink
	attrs []string
	group string
}

func (h *captureHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *captureHandler) Handle(_ context.Context, r slog.Record) error {
	rec := logRecord{Time: r.Time.UnixNano(), Level: int(r.Level), Message: r.Message}
	rec.Attrs = append(rec.Attrs, h.attrs...)
	r.Attrs(func(a slog.Attr) bool {
		rec.Attrs = appendAttr(rec.Attrs, h.group, a)
		return true
	})
	h.sink.add(rec)
	return nil
}

func (h *captureHandler) WithAttrs(as []slog.Attr) slog.Handler {
	h2 := *h
	h2.attrs = append([]string(nil), h.attrs...)
	for _, a := range as {
		h2.attrs = appendAttr(h2.attrs, h.group, a)
	}
	return &h2
}

func (h *captureHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.group = join(h.group, name)
	return &h2
}

func appendAttr(dst []string, group string, a slog.Attr) []string {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		g := join(group, a.Key)
		for _, ga := range v.Group() {
			dst = appendAttr(dst, g, ga)
		}
		return dst
	}
	if a.Key == "" {
		return dst
	}
	return append(dst, join(group, a.Key), v.String())
}

func join(group, key string) string {
	if group == "" {
		return key
	}
	return group + "." + key
}

// replay logs the records a reply carried to l.
func replay(l *slog.Logger, records []logRecord) {
	if l == nil {
		return
	}
	ctx := context.Background()
	for _, rec := range records {
		level := slog.Level(rec.Level)
		if !l.Enabled(ctx, level) {
			continue
		}
		r := slog.NewRecord(time.Unix(0, rec.Time), level, rec.Message, 0)
		for i := 0; i+1 < len(rec.Attrs); i += 2 {
			r.AddAttrs(slog.String(rec.Attrs[i], rec.Attrs[i+1]))
		}
		l.Handler().Handle(ctx, r)
	}
}
