package engine_test

import (
	"context"
	"errors"
	"io/fs"
	"testing"

	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/plan"
	"github.com/netrun/netrun/engine/state"
)

func TestRun(t *testing.T) {
	t.Parallel()
	f := newFixture(t, header+labDevice("r1", "192.0.2.1")+block("command", "clock", `commands = ["show clock"]`), 1)
	store := state.NewLocal(f.rb.Dir, true)
	opts := engine.RunOptions{Options: f.opts}
	opts.Store, opts.Simulated = store, true
	ctx := context.Background()

	// Refused: no device is touched and no state is written.
	opts.Approve = func(*plan.Plan, *engine.RefreshStats) bool { return false }
	res, err := engine.Run(ctx, f.rb, f.plan, opts)
	if err != nil || !res.Cancelled || res.OK() {
		t.Fatalf("refused run: %+v, %v; want cancelled", res, err)
	}
	if got := f.fleet.Servers["r1"].Sessions(); got != 0 {
		t.Errorf("refused run opened %d sessions", got)
	}
	if _, err := store.ReadState(); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("refused run: state read gives %v, want none written", err)
	}

	// Another run holds the lock.
	lock, err := store.Lock(ctx, "apply", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.Run(ctx, f.rb, f.plan, opts); !errors.Is(err, state.ErrLocked) {
		t.Errorf("run while locked: %v, want ErrLocked", err)
	}
	if err := lock.Unlock(); err != nil {
		t.Fatal(err)
	}

	// Approved: Applying comes after Approve, and the state is written.
	var calls []string
	opts.Approve = func(*plan.Plan, *engine.RefreshStats) bool { calls = append(calls, "approve"); return true }
	opts.Applying = func(*plan.Plan) { calls = append(calls, "applying") }
	res, err = engine.Run(ctx, f.rb, f.plan, opts)
	if err != nil || !res.OK() {
		t.Fatalf("run: %+v, %v", res, err)
	}
	if len(calls) != 2 || calls[0] != "approve" || calls[1] != "applying" {
		t.Errorf("hooks called %v, want approve then applying", calls)
	}
	st, err := store.ReadState()
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Devices["r1"].Status; got != engine.OK {
		t.Errorf("state has r1 %q, want ok", got)
	}
}
