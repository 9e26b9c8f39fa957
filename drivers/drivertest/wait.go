package drivertest

import (
	"testing"
	"time"
)

// WaitFor polls cond until it holds, failing tb when it does not within
// the given time: for what another goroutine or process brings about with
// nothing to wait on (a lock file appearing, a session counted), where a
// fixed sleep would be either flaky or slow.
func WaitFor(tb testing.TB, within time.Duration, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("condition not met in %v", within)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
