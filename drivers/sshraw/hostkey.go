package sshraw

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/netrun/netrun/drivers"
)

// hostKeyCallback picks the verification for t: the target's own callback,
// the explicit insecure opt-out (logged), or known_hosts. For known_hosts it
// also returns the host key algorithms of the keys already known for the
// host, so the server is asked for the key type we can verify rather than
// one it prefers and we have never seen.
func (d *Driver) hostKeyCallback(t drivers.Target, name, addr string, remote net.Addr, log *slog.Logger) (ssh.HostKeyCallback, []string, error) {
	if t.HostKeyCallback != nil {
		return t.HostKeyCallback, nil, nil
	}
	if t.InsecureSkipHostKey {
		log.Warn("host key verification disabled by insecure_skip_host_key; the connection can be intercepted", "device", name, "addr", addr)
		return ssh.InsecureIgnoreHostKey(), nil, nil
	}
	path := t.KnownHosts
	if path == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w: no known_hosts file given and no home directory (%v); set known_hosts or insecure_skip_host_key = true", name, drivers.ErrHostKey, err)
		}
		path = filepath.Join(home, ".ssh", "known_hosts")
	}
	cb, err := d.knownHosts.load(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w: reading known_hosts: %v", name, drivers.ErrHostKey, err)
	}
	v := &verifier{name: name, addr: addr, path: path, known: cb}
	return v.check, v.algorithms(remote), nil
}

type verifier struct {
	name, addr, path string
	known            ssh.HostKeyCallback // nil when the file does not exist
}

func (v *verifier) check(host string, remote net.Addr, key ssh.PublicKey) error {
	if v.known == nil {
		return v.unknown(key, "the file "+v.path+" does not exist")
	}
	err := v.known(host, remote, key)
	if err == nil {
		return nil
	}
	var ke *knownhosts.KeyError
	var re *knownhosts.RevokedError
	switch {
	case errors.As(err, &ke) && len(ke.Want) == 0:
		return v.unknown(key, "it is not in "+v.path)
	case errors.As(err, &ke):
		var had []string
		for _, w := range ke.Want {
			had = append(had, fmt.Sprintf("%s %s (%s:%d)", w.Key.Type(), ssh.FingerprintSHA256(w.Key), w.Filename, w.Line))
		}
		return fmt.Errorf("%s: %w: the host key of %s has CHANGED: it presented %s %s but known_hosts has %s; "+
			"this can mean someone is intercepting the connection. If the device was re-keyed, remove the old entry with "+
			"`ssh-keygen -R %s -f %s` and add the new one with `%s`",
			v.name, drivers.ErrHostKey, v.addr, key.Type(), ssh.FingerprintSHA256(key), strings.Join(had, ", "),
			shellQuote(knownhosts.Normalize(v.addr)), shellQuote(v.path), v.keyscan())
	case errors.As(err, &re):
		return fmt.Errorf("%s: %w: the host key of %s (%s %s) is marked @revoked in %s:%d",
			v.name, drivers.ErrHostKey, v.addr, key.Type(), ssh.FingerprintSHA256(key), re.Revoked.Filename, re.Revoked.Line)
	}
	return fmt.Errorf("%s: %w: %v", v.name, drivers.ErrHostKey, err)
}

func (v *verifier) unknown(key ssh.PublicKey, why string) error {
	return fmt.Errorf("%s: %w: unknown host key for %s: it presented %s %s and %s; "+
		"if that fingerprint is the device's, add it with `%s`, or set insecure_skip_host_key = true",
		v.name, drivers.ErrHostKey, v.addr, key.Type(), ssh.FingerprintSHA256(key), why, v.keyscan())
}

func (v *verifier) keyscan() string {
	host, port, err := net.SplitHostPort(v.addr)
	if err != nil {
		return "ssh-keyscan " + v.addr + " >> " + shellQuote(v.path)
	}
	if port == "22" {
		return "ssh-keyscan " + host + " >> " + shellQuote(v.path)
	}
	return "ssh-keyscan -p " + port + " " + host + " >> " + shellQuote(v.path)
}

// probeKey is a key no host has; asking known_hosts about it returns the
// keys it does know for the host.
var probeKey = func() ssh.PublicKey {
	k, err := ssh.NewPublicKey(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public())
	if err != nil {
		panic(err)
	}
	return k
}()

func (v *verifier) algorithms(remote net.Addr) []string {
	if v.known == nil {
		return nil
	}
	var ke *knownhosts.KeyError
	if err := v.known(v.addr, remote, probeKey); !errors.As(err, &ke) || len(ke.Want) == 0 {
		return nil
	}
	var algos []string
	seen := map[string]bool{}
	add := func(a string) {
		if !seen[a] {
			seen[a] = true
			algos = append(algos, a)
		}
	}
	for _, w := range ke.Want {
		switch t := w.Key.Type(); t {
		case ssh.KeyAlgoRSA:
			add(ssh.KeyAlgoRSASHA512)
			add(ssh.KeyAlgoRSASHA256)
			add(ssh.KeyAlgoRSA)
		default:
			add(t)
		}
	}
	return algos
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == ':' || r == '~' ||
			r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// knownHostsCache parses each known_hosts file once and again only when it
// changes, so that opening hundreds of sessions does not parse it hundreds of
// times.
type knownHostsCache struct {
	mu sync.Mutex
	m  map[string]knownHostsEntry
}

type knownHostsEntry struct {
	mod  time.Time
	size int64
	cb   ssh.HostKeyCallback
}

// load returns the callback for path, or nil if the file does not exist.
func (c *knownHostsCache) load(path string) (ssh.HostKeyCallback, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[path]; ok && e.mod.Equal(fi.ModTime()) && e.size == fi.Size() {
		return e.cb, nil
	}
	cb, err := knownhosts.New(path)
	if err != nil {
		return nil, err
	}
	if c.m == nil {
		c.m = map[string]knownHostsEntry{}
	}
	c.m[path] = knownHostsEntry{mod: fi.ModTime(), size: fi.Size(), cb: cb}
	return cb, nil
}
