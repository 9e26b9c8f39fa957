package engine

import (
	"fmt"
	"io"
	"maps"
	"sync"

	"github.com/netrun/netrun/engine/state"
)

// recorder writes the state, and each device's results file, as devices
// finish: one writer goroutine
// rewrites it (atomically) whenever devices finished since its last write,
// so a run killed half way loses at most what finished during the write in
// progress, and device goroutines never wait on the store longer than that.
// Run records with its record as the walk's Options.OnDevice.
type recorder struct {
	mu     sync.Mutex
	store  state.Store
	st     *state.State
	kick   chan struct{} // a device finished since the last write
	done   chan struct{} // the writer has stopped
	stderr io.Writer
}

// newRecorder starts recording on top of the previous state (nil for
// none). Write errors while devices run are reported on stderr and do not
// stop the run; final's is returned.
func newRecorder(store state.Store, prev *state.State, simulated bool, stderr io.Writer) *recorder {
	st := &state.State{Version: state.Version, Devices: map[string]state.DeviceState{}, Outputs: map[string]state.OutputState{}}
	if prev != nil {
		*st = *prev
		st.Devices = map[string]state.DeviceState{}
		carryOver(st, prev)
		st.Outputs = maps.Clone(prev.Outputs)
	}
	st.Simulated = simulated
	r := &recorder{store: store, st: st, kick: make(chan struct{}, 1), done: make(chan struct{}), stderr: stderr}
	go r.write()
	return r
}

// record merges a finished device into the state and has it written, and
// writes its results file when the run reached it (one it did not keeps
// its earlier file, as the state keeps its earlier results).
func (r *recorder) record(d DeviceResult) {
	r.mu.Lock()
	mergeDevice(r.st, d)
	ds := r.st.Devices[d.Name]
	r.mu.Unlock()
	if !ds.Stale {
		if err := r.store.PutResult(d.Name, ds.Text(d.Name)); err != nil {
			fmt.Fprintf(r.stderr, "netrun: writing the results of %s: %v\n", d.Name, err)
		}
	}
	select {
	case r.kick <- struct{}{}:
	default: // a write is already due; it will include this device
	}
}

func (r *recorder) write() {
	defer close(r.done)
	for range r.kick {
		// Written from a snapshot, so a device finishing meanwhile waits
		// for a map copy, not for the write: record replaces a device's
		// entry, it never changes one in place.
		r.mu.Lock()
		snap := *r.st
		snap.Devices, snap.Outputs = maps.Clone(r.st.Devices), maps.Clone(r.st.Outputs)
		r.mu.Unlock()
		err := r.store.WriteState(&snap)
		if err != nil {
			fmt.Fprintf(r.stderr, "netrun: writing state: %v\n", err)
		}
	}
}

// final stops the writer and writes the run's complete state.
func (r *recorder) final(st *state.State) error {
	close(r.kick)
	<-r.done
	return r.store.WriteState(st)
}
