package state_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netrun/netrun/engine/state"
)

func TestLocalState(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := state.NewLocal(dir, false)
	if _, err := s.ReadState(); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("ReadState of an empty directory: %v, want fs.ErrNotExist", err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	want := &state.State{Version: state.Version, Started: at, Devices: map[string]state.DeviceState{
		"r1": {Host: "192.0.2.1", Port: 22, Status: state.OK, ConfigDigest: "sha256:x", Started: at, Finished: at.Add(time.Second)},
	}}
	if err := s.WriteState(want); err != nil {
		t.Fatal(err)
	}
	got, err := s.ReadState()
	if err != nil {
		t.Fatal(err)
	}
	if got.Devices["r1"].ConfigDigest != "sha256:x" || got.Devices["r1"].Status != state.OK {
		t.Errorf("state read back = %+v", got)
	}
	// The times are read back from the run log, not the state file, which
	// holds only what a run found.
	if !got.Started.Equal(at) || !got.Devices["r1"].Finished.Equal(at.Add(time.Second)) {
		t.Errorf("times read back = %v, %+v", got.Started, got.Devices["r1"])
	}
	data, err := os.ReadFile(filepath.Join(dir, state.File))
	if err != nil || strings.Contains(string(data), "2026") {
		t.Errorf("the state file holds times: %s %v", data, err)
	}
	if data, err := os.ReadFile(filepath.Join(dir, ".netrun", ".gitignore")); err != nil || string(data) != "*\n" {
		t.Errorf(".netrun/.gitignore = %q, %v", data, err)
	}
	assertOnly(t, dir, ".netrun/.gitignore", state.RunLog, state.File)

	// Without the run log (.netrun/ removed), the state still reads.
	if err := os.RemoveAll(filepath.Join(dir, ".netrun")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ReadState(); err != nil || got.Devices["r1"].Status != state.OK || !got.Started.IsZero() {
		t.Errorf("state without its run log = %+v, %v", got, err)
	}
}

func TestLocalResults(t *testing.T) {
	t.Parallel()
	for simulated, want := range map[bool]string{false: "results/r%2F1.txt", true: ".netrun/sim/results/r%2F1.txt"} {
		dir := t.TempDir()
		s := state.NewLocal(dir, simulated)
		if err := s.PutResult("r/1", "r/1: ok\n"); err != nil {
			t.Fatal(err)
		}
		if got := s.ResultLocation("r/1"); got != filepath.Join(dir, want) {
			t.Errorf("simulated=%v: result location %s, want %s", simulated, got, want)
		}
		if simulated {
			assertOnly(t, dir, ".netrun/.gitignore", want)
		} else {
			assertOnly(t, dir, want)
		}
		for range 2 { // removing twice is not an error
			if err := s.RemoveResult("r/1"); err != nil {
				t.Error(err)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, want)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("simulated=%v: result left after RemoveResult: %v", simulated, err)
		}
	}
}

// assertOnly checks dir holds exactly the files named (no temporary file
// left behind), each with mode 0600.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	var found []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		found = append(found, rel)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", rel, fi.Mode().Perm())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(found, " ") != strings.Join(names, " ") {
		t.Errorf("files = %v, want %v", found, names)
	}
}

func TestLocalConfigs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		simulated       bool
		backup, applied string
	}{
		{false, "backups/r%2F1.cfg", ".netrun/applied/r%2F1.cfg"},
		{true, ".netrun/sim/backups/r%2F1.cfg", ".netrun/sim/applied/r%2F1.cfg"},
	} {
		dir := t.TempDir()
		s := state.NewLocal(dir, tc.simulated)
		if _, err := s.Config(state.Applied, "r/1"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("simulated=%v: Config before any PutConfig: %v, want fs.ErrNotExist", tc.simulated, err)
		}
		for kind, text := range map[state.ConfigKind]string{state.Backup: "hostname before\n", state.Applied: "hostname after\n"} {
			if err := s.PutConfig(kind, "r/1", text); err != nil {
				t.Fatal(err)
			}
			got, err := s.Config(kind, "r/1")
			if err != nil || got != text {
				t.Errorf("simulated=%v: %s config = %q, %v; want %q", tc.simulated, kind, got, err, text)
			}
		}
		if got := s.ConfigLocation(state.Backup, "r/1"); got != filepath.Join(dir, tc.backup) {
			t.Errorf("simulated=%v: backup location %s, want %s", tc.simulated, got, tc.backup)
		}
		assertOnly(t, dir, ".netrun/.gitignore", tc.applied, tc.backup)
	}
}

func TestLocalLock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	s := state.NewLocal(dir, false)
	lock, err := s.Lock(ctx, "apply", 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Lock(ctx, "apply", 0)
	var held *state.LockedError
	if !errors.As(err, &held) || !errors.Is(err, state.ErrLocked) {
		t.Fatalf("second lock: %v, want a LockedError unwrapping to ErrLocked", err)
	}
	if held.Info.ID != lock.Info.ID || !held.Alive || !strings.Contains(err.Error(), "still running") {
		t.Errorf("second lock names %+v (alive %v): %v", held.Info, held.Alive, err)
	}

	// A run waiting with -lock-timeout gets the lock once it is released;
	// a cancelled wait gives up, naming the holder.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Lock(cancelled, "apply", time.Minute); !errors.Is(err, state.ErrLocked) || !strings.Contains(err.Error(), "gave up waiting") {
		t.Errorf("cancelled wait: %v", err)
	}
	got := make(chan error, 1)
	go func() {
		l, err := s.Lock(ctx, "apply", time.Minute)
		if err == nil {
			err = l.Unlock()
		}
		got <- err
	}()
	if err := lock.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Errorf("waiting for the lock: %v", err)
	}
	if _, err := s.ReadLock(); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("lock left after unlocking: %v", err)
	}
	var none *state.Lock
	if err := none.Unlock(); err != nil {
		t.Errorf("unlocking no lock: %v", err)
	}
}

// TestLocalLockTakenOver: a run does not remove a lock another run took
// after its own was forced away.
func TestLocalLockTakenOver(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := state.NewLocal(t.TempDir(), false)
	first, err := s.Lock(ctx, "apply", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ForceUnlock(first.Info.ID); err != nil {
		t.Fatal(err)
	}
	second, err := s.Lock(ctx, "apply", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Unlock(); err == nil || !strings.Contains(err.Error(), second.Info.ID) {
		t.Errorf("first run's unlock: %v, want a refusal naming %s", err, second.Info.ID)
	}
	if err := second.Unlock(); err != nil {
		t.Error(err)
	}
}

// TestLocalLeftoverLock: a lock file no process holds (its run was killed
// before or after writing it) is not a lock: ReadLock finds none,
// force-unlock has nothing to remove and Lock takes it.
func TestLocalLeftoverLock(t *testing.T) {
	t.Parallel()
	for name, file := range map[string]string{
		"killed holder": lockJSON(t, state.LockInfo{ID: "0123abcd", Operation: "apply", Who: "ops@localhost", PID: 1}),
		"unreadable":    "",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, state.LockFile), []byte(file), 0o600); err != nil {
				t.Fatal(err)
			}
			s := state.NewLocal(dir, false)
			if held, err := s.ReadLock(); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("ReadLock = %v, %v; want fs.ErrNotExist", held, err)
			}
			if err := s.ForceUnlock("0123abcd"); err == nil || !strings.Contains(err.Error(), "no lock in") {
				t.Errorf("force-unlock: %v", err)
			}
			lock, err := s.Lock(context.Background(), "apply", 0)
			if err != nil {
				t.Fatal(err)
			}
			held, err := s.ReadLock()
			if err != nil || held.Info.ID != lock.Info.ID {
				t.Errorf("ReadLock after Lock = %+v, %v", held, err)
			}
			if err := s.ForceUnlock("other"); err == nil || !strings.Contains(err.Error(), "has ID "+lock.Info.ID+", not other") {
				t.Errorf("force-unlock with another ID: %v", err)
			}
			if err := lock.Unlock(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func lockJSON(t *testing.T, info state.LockInfo) string {
	t.Helper()
	data, err := json.Marshal(info)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
