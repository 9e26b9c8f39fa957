package sshraw_test

import (
	"bufio"
	"context"
	"errors"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/drivertest"
	"github.com/netrun/netrun/sim"
)

// wireServer is a minimal SSH server for what the simulator does not do:
// keyboard-interactive as the only auth method, and prompts wrapped in ANSI
// colour codes. Its CLI starts privileged and echoes each line, then prints
// "ok" and the prompt.
func wireServer(t *testing.T, prompt string) *sim.SSHServer {
	t.Helper()
	cfg := &ssh.ServerConfig{
		KeyboardInteractiveCallback: func(c ssh.ConnMetadata, ask ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
			ans, err := ask(c.User(), "", []string{"Password: "}, []bool{false})
			if err != nil {
				return nil, err
			}
			if len(ans) == 1 && ans[0] == drivertest.Password {
				return nil, nil
			}
			return nil, errors.New("denied")
		},
	}
	cfg.AddHostKey(drivertest.HostKey())
	return drivertest.ServeSSH(t, cfg, func(ch ssh.Channel, creqs <-chan *ssh.Request) {
		go func() {
			for r := range creqs {
				r.Reply(r.Type == "pty-req" || r.Type == "shell", nil)
			}
		}()
		ch.Write([]byte("\r\n" + prompt))
		lines := bufio.NewScanner(ch)
		for lines.Scan() {
			if _, err := ch.Write([]byte(lines.Text() + "\r\nok\r\n" + prompt)); err != nil {
				break
			}
		}
		ch.Close()
	})
}

func TestKeyboardInteractiveAndANSI(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		password string
		wantErr  error
	}{
		{"right password", drivertest.Password, nil},
		{"wrong password", "wrong-" + drivertest.Password, drivers.ErrAuth},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := wireServer(t, "\x1b[1;32mr1\x1b[0m#\x1b[K ")
			tg := drivers.Target{
				Name: "r1", Host: "127.0.0.1", Port: srv.Port(),
				Credentials:     drivers.Credentials{Username: drivertest.User, Password: tc.password},
				HostKeyCallback: ssh.FixedHostKey(drivertest.HostKey().PublicKey()),
			}
			sess, err := newDriver(t).Open(context.Background(), tg)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Open: got %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				drivertest.AssertNoSecrets(t, err.Error())
				return
			}
			defer sess.Close()
			res := drivertest.MustRun(t, sess, "show thing")
			if res.Output != "ok" {
				t.Errorf("output %q, want %q", res.Output, "ok")
			}
		})
	}
}
