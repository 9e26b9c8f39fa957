package sshconn_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/sshconn"
)

// TestJumpsCancelWhileWaiting: a device waiting for a bastion that never
// answers gives up with its own context; closing ends the dial.
func TestJumpsCancelWhileWaiting(t *testing.T) {
	t.Parallel()
	ln := muteListener(t)
	mute := drivers.Target{
		Name:                "jump_host.mute",
		Host:                "127.0.0.1",
		Port:                ln.Addr().(*net.TCPAddr).Port,
		Credentials:         drivers.Credentials{Username: "jump", Password: "b4stion-Pa55"},
		InsecureSkipHostKey: true,
		Timeout:             time.Minute,
	}
	j := sshconn.NewJumps(map[string]sshconn.Bastion{"mute": {Target: mute}})
	dial := j.Dialer("mute")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := dial(ctx, "tcp", "r1.dc1.sim:22")
	if err == nil || !strings.Contains(err.Error(), "via jump_host.mute") || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
	if err := j.Close(); err != nil {
		t.Error(err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %s", d)
	}
}
