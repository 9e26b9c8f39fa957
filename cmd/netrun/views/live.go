package views

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vbauerster/cupwriter"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/state"
)

// Live shows an apply on Stderr as it goes, fed by engine.Options.Events.
// On a terminal it is a counter redrawn in place (done/total, ok, failed,
// running, elapsed, ETA, the devices in flight longest) with each device's
// line printed above it as the device finishes. Anywhere else (a CI log, a
// pipe) it is those lines only, "r17: ok (0.8s)", and the textbook's
// ===>/<=== lines, which a terminal does without: the counter says it.
type Live struct {
	v     *View
	c     colors
	start func() time.Time

	mu      sync.Mutex
	total   int
	ok, bad int
	done    int
	running map[string]time.Time // device → when it began connecting

	progress *mpb.Progress // nil unless on a terminal, once started
	bar      *mpb.Bar
}

// NewLive returns the live view of an apply on v's Stderr.
func NewLive(v *View) *Live {
	return &Live{v: v, c: v.stderrColors(), start: time.Now, running: map[string]time.Time{}}
}

// Progress is where the engine writes its ===>/<=== lines
// (engine.Options.Progress): Stderr, or nothing on a terminal.
func (l *Live) Progress() io.Writer {
	if l.v.StderrTerminal != nil {
		return io.Discard
	}
	return l.v.Stderr
}

// Start begins showing a run of total devices; on a terminal, the counter.
func (l *Live) Start(total int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total = total
	if l.v.StderrTerminal == nil || total == 0 {
		return
	}
	cw := cupwriter.New(l.v.Stderr, false)
	cw.SetTermFd(int(l.v.StderrTerminal.Fd()))
	l.progress = mpb.New(mpb.WithConsoleWriter(cw), mpb.WithWidth(40), mpb.WithRefreshRate(200*time.Millisecond))
	l.bar = l.progress.AddBar(int64(total),
		mpb.PrependDecorators(decor.Any(func(decor.Statistics) string { return l.counts() })),
		mpb.AppendDecorators(
			decor.Elapsed(decor.ET_STYLE_GO, decor.WC{C: decor.DindentRight}),
			decor.Any(func(s decor.Statistics) string {
				if s.Completed {
					return ""
				}
				return " ETA "
			}),
			decor.OnComplete(decor.AverageETA(decor.ET_STYLE_GO), ""),
			decor.Any(func(decor.Statistics) string { return l.longest(3) }),
		),
	)
}

// counts is the counter: "12/200 devices: 10 ok, 1 failed, 5 running".
func (l *Live) counts() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return fmt.Sprintf("%d/%d devices: %d ok, %d failed, %d running ", l.done, l.total, l.ok, l.bad, len(l.running))
}

// longest names the n devices in flight longest, with for how long.
func (l *Live) longest(n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.running) == 0 {
		return ""
	}
	names := make([]string, 0, len(l.running))
	for name := range l.running {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int {
		if c := l.running[a].Compare(l.running[b]); c != 0 {
			return c
		}
		return state.NaturalCompare(a, b)
	})
	var parts []string
	for _, name := range names[:min(n, len(names))] {
		parts = append(parts, fmt.Sprintf("%s %s", name, l.start().Sub(l.running[name]).Round(time.Second)))
	}
	return "  longest: " + strings.Join(parts, ", ")
}

// Event takes one of the walk's events; it is safe for concurrent use.
func (l *Live) Event(e engine.Event) {
	switch e.Kind {
	case engine.DeviceStart:
		l.mu.Lock()
		l.running[e.Device] = e.Time
		l.mu.Unlock()
	case engine.DeviceComplete:
		if e.Result == nil {
			return
		}
		l.mu.Lock()
		// From when it began connecting: waiting for a slot is not the
		// device's time.
		began, ok := l.running[e.Device]
		if !ok {
			began = e.Result.Started
		}
		delete(l.running, e.Device)
		l.done++
		switch e.Result.Status {
		case engine.OK:
			l.ok++
		case engine.Failed:
			l.bad++
		}
		progress, bar := l.progress, l.bar
		l.mu.Unlock()
		line := l.deviceLine(*e.Result, e.Result.Finished.Sub(began)) + "\n"
		if progress == nil {
			_, _ = io.WriteString(l.v.Stderr, line)
			return
		}
		// Above the counter, which is redrawn below it.
		_, _ = io.WriteString(progress, line)
		bar.Increment()
	}
}

// deviceLine is how a device ended: "r17: ok (0.8s)", "r18: failed:
// authentication failed for user "cisco"", "r19: skipped".
func (l *Live) deviceLine(d engine.DeviceResult, took time.Duration) string {
	switch d.Status {
	case engine.OK:
		return fmt.Sprintf("%s: %s (%.1fs)", d.Name, l.c.add("ok"), took.Seconds())
	case engine.Failed:
		msg := strings.TrimPrefix(strings.TrimPrefix(d.Error, d.Name+": "), "device "+d.Name+": ")
		return fmt.Sprintf("%s: %s", d.Name, l.c.err("failed: "+msg))
	}
	return fmt.Sprintf("%s: %s", d.Name, d.Status)
}

// Stop ends the live view: the counter stays as it last was, the terminal
// free for the results that follow.
func (l *Live) Stop() {
	l.mu.Lock()
	progress, bar := l.progress, l.bar
	l.progress = nil
	l.mu.Unlock()
	if progress == nil {
		return
	}
	if !bar.Completed() {
		bar.Abort(false)
	}
	progress.Wait()
}
