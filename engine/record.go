package engine

import (
	"fmt"
	"io"
	"maps"
	"sync"

	"github.com/netrun/netrun/engine/state"
)

// Recorder writes the state as devices finish: one writer goroutine
// rewrites it (atomically) whenever devices finished since its last write,
// so a run killed half way loses at most what finished during the write in
// progress, and device goroutines never wait on the store longer than that.
// Its Record is an Options.OnDevice.
type Recorder struct {
	mu     sync.Mutex
	store  state.Store
	st     *state.State
	kick   chan struct{} // a device finished since the last write
	done   chan struct{} // the writer has stopped
	stderr io.Writer
}

// NewRecorder starts recording on top of the previous state (nil for
// none). Write errors while devices run are reported on stderr and do not
// stop the run; Final's is returned.
func NewRecorder(store state.Store, prev *state.State, simulated bool, stderr io.Writer) *Recorder {
	st := &state.State{Version: state.Version, Devices: map[string]state.DeviceState{}, Outputs: map[string]state.OutputState{}}
	if prev != nil {
		*st = *prev
		st.Devices = maps.Clone(prev.Devices)
		st.Outputs = maps.Clone(prev.Outputs)
	}
	st.Simulated = simulated
	r := &Recorder{store: store, st: st, kick: make(chan struct{}, 1), done: make(chan struct{}), stderr: stderr}
	go r.write()
	return r
}

// Record merges a finished device into the state and has it written.
func (r *Recorder) Record(d DeviceResult) {
	r.mu.Lock()
	record(r.st, d)
	r.mu.Unlock()
	select {
	case r.kick <- struct{}{}:
	default: // a write is already due; it will include this device
	}
}

func (r *Recorder) write() {
	defer close(r.done)
	for range r.kick {
		r.mu.Lock()
		err := r.store.WriteState(r.st)
		r.mu.Unlock()
		if err != nil {
			fmt.Fprintf(r.stderr, "netrun: writing state: %v\n", err)
		}
	}
}

// Final stops the writer and writes the run's complete state.
func (r *Recorder) Final(st *state.State) error {
	close(r.kick)
	<-r.done
	return r.store.WriteState(st)
}
