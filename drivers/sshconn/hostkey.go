package sshconn

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/internal/safefile"
)

// hostKeyPolicy picks the verification for t, in order: the target's own
// callback (-sim), pinned keys, the explicit insecure opt-out (logged), or
// known_hosts with optional trust on first use. It also returns the host key
// algorithms of the keys it can verify, so the server is asked for a key
// type we know rather than one it prefers and we have never seen; nil means
// x/crypto's defaults.
func hostKeyPolicy(t drivers.Target, name, addr string, log *slog.Logger) (ssh.HostKeyCallback, []string, error) {
	if t.HostKeyCallback != nil {
		return t.HostKeyCallback, nil, nil
	}
	if len(t.HostKeys) > 0 {
		p, err := parsePins(t.HostKeys)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w: %v", name, drivers.ErrHostKey, err)
		}
		return p.checker(name, addr), p.algorithms(), nil
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
	cb, err := cache.load(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w: reading known_hosts: %v", name, drivers.ErrHostKey, err)
	}
	v := &verifier{name: name, addr: addr, path: path, known: cb, acceptNew: t.AcceptNewHostKeys, log: log}
	return v.check, v.algorithms(), nil
}

// pins are the keys a device's host_key accepts.
type pins struct {
	keys []ssh.PublicKey
	fps  []string // SHA256:... fingerprints
}

func parsePins(list []string) (*pins, error) {
	p := &pins{}
	for _, s := range list {
		s = strings.TrimSpace(s)
		if fp, ok := strings.CutPrefix(s, "SHA256:"); ok {
			if b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(fp, "=")); err != nil || len(b) != 32 {
				return nil, fmt.Errorf("host_key %q is not a SHA256 fingerprint (SHA256: and 43 base64 characters, as ssh-keygen -l prints)", s)
			}
			p.fps = append(p.fps, "SHA256:"+strings.TrimRight(fp, "="))
			continue
		}
		k, _, _, _, err := ssh.ParseAuthorizedKey([]byte(s))
		if err != nil {
			return nil, fmt.Errorf("host_key %q is neither a public key (\"ssh-ed25519 AAAA...\") nor a SHA256 fingerprint", s)
		}
		p.keys = append(p.keys, k)
	}
	return p, nil
}

func (p *pins) checker(name, addr string) ssh.HostKeyCallback {
	return func(_ string, _ net.Addr, key ssh.PublicKey) error {
		fp := ssh.FingerprintSHA256(key)
		if slices.Contains(p.fps, fp) {
			return nil
		}
		for _, k := range p.keys {
			if bytes.Equal(k.Marshal(), key.Marshal()) {
				return nil
			}
		}
		var want []string
		for _, k := range p.keys {
			want = append(want, k.Type()+" "+ssh.FingerprintSHA256(k))
		}
		want = append(want, p.fps...)
		return fmt.Errorf("%s: %w: the host key of %s does not match host_key: it presented %s %s, host_key accepts %s; "+
			"this can mean someone is intercepting the connection. If the device was re-keyed, update host_key",
			name, drivers.ErrHostKey, addr, key.Type(), fp, strings.Join(want, ", "))
	}
}

// algorithms asks for the pinned key types; with a fingerprint among the
// pins any type may match, so x/crypto's defaults stay.
func (p *pins) algorithms() []string {
	if len(p.fps) > 0 {
		return nil
	}
	var out []string
	for _, k := range p.keys {
		out = addKeyAlgorithms(out, k.Type())
	}
	return out
}

// addKeyAlgorithms adds the signature algorithms that verify a key of type
// keyType: RSA keys sign with SHA-2 first, SHA-1 last.
func addKeyAlgorithms(algos []string, keyType string) []string {
	var add []string
	switch keyType {
	case ssh.KeyAlgoRSA:
		add = []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	default:
		add = []string{keyType}
	}
	for _, a := range add {
		if !slices.Contains(algos, a) {
			algos = append(algos, a)
		}
	}
	return algos
}

type verifier struct {
	name, addr, path string
	known            ssh.HostKeyCallback // nil when the file does not exist
	acceptNew        bool
	log              *slog.Logger
}

func (v *verifier) check(host string, remote net.Addr, key ssh.PublicKey) error {
	if v.known == nil {
		return v.unknown(host, remote, key, "the file "+v.path+" does not exist")
	}
	err := v.known(host, remote, key)
	if isUnknown(err) {
		return v.unknown(host, remote, key, "it is not in "+v.path)
	}
	return v.explain(err, key)
}

// isUnknown reports whether a known_hosts lookup found no key at all for
// the host.
func isUnknown(err error) bool {
	var ke *knownhosts.KeyError
	return errors.As(err, &ke) && len(ke.Want) == 0
}

// explain turns a known_hosts verdict other than "unknown" into netrun's
// error.
func (v *verifier) explain(err error, key ssh.PublicKey) error {
	var ke *knownhosts.KeyError
	var re *knownhosts.RevokedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ke):
		return v.changed(key, ke.Want)
	case errors.As(err, &re):
		return fmt.Errorf("%s: %w: the host key of %s (%s %s) is marked @revoked in %s:%d",
			v.name, drivers.ErrHostKey, v.addr, key.Type(), ssh.FingerprintSHA256(key), re.Revoked.Filename, re.Revoked.Line)
	}
	return fmt.Errorf("%s: %w: %v", v.name, drivers.ErrHostKey, err)
}

func (v *verifier) changed(key ssh.PublicKey, want []knownhosts.KnownKey) error {
	var had []string
	for _, w := range want {
		had = append(had, fmt.Sprintf("%s %s (%s:%d)", w.Key.Type(), ssh.FingerprintSHA256(w.Key), w.Filename, w.Line))
	}
	return fmt.Errorf("%s: %w: the host key of %s has CHANGED: it presented %s %s but known_hosts has %s; "+
		"this can mean someone is intercepting the connection, and a changed key is refused even with -accept-new-host-keys. "+
		"If the device was re-keyed, remove the old entry with `ssh-keygen -R %s -f %s` and add the new one with `%s`",
		v.name, drivers.ErrHostKey, v.addr, key.Type(), ssh.FingerprintSHA256(key), strings.Join(had, ", "),
		shellQuote(knownhosts.Normalize(v.addr)), shellQuote(v.path), v.keyscan())
}

func (v *verifier) unknown(host string, remote net.Addr, key ssh.PublicKey, why string) error {
	if v.acceptNew {
		return v.record(host, remote, key)
	}
	return fmt.Errorf("%s: %w: unknown host key for %s: it presented %s %s and %s; "+
		"if that fingerprint is the device's, add it with `%s`, accept it on first use with -accept-new-host-keys, "+
		"or set insecure_skip_host_key = true",
		v.name, drivers.ErrHostKey, v.addr, key.Type(), ssh.FingerprintSHA256(key), why, v.keyscan())
}

// tofuMu serialises recording keys within the process; a file lock does
// across processes. Writes are rare (first contact only), so one lock for
// every file is enough.
var tofuMu sync.Mutex

// record trusts a key seen for the first time: under the lock it reads the
// file again (another device or process may have recorded this host since),
// then appends one line as OpenSSH writes it. The file is appended to in
// place, as the lock is on it, so a symbolic link at its name is refused
// rather than followed (or replaced, which would silently part it from the
// file it pointed to).
func (v *verifier) record(host string, remote net.Addr, key ssh.PublicKey) error {
	tofuMu.Lock()
	defer tofuMu.Unlock()
	fail := func(err error) error {
		return fmt.Errorf("%s: %w: recording the new host key of %s in %s: %v", v.name, drivers.ErrHostKey, v.addr, v.path, err)
	}
	if err := os.MkdirAll(filepath.Dir(v.path), 0o700); err != nil {
		return fail(err)
	}
	f, err := safefile.OpenFile(v.path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	if err := lockFile(f); err != nil {
		return fail(err)
	}
	defer unlockFile(f)

	data, err := os.ReadFile(v.path)
	if err != nil {
		return fail(err)
	}
	if len(bytes.TrimSpace(data)) > 0 {
		known, err := knownhosts.New(v.path)
		if err != nil {
			return fail(err)
		}
		if err := known(host, remote, key); !isUnknown(err) {
			// Recorded since, changed or revoked.
			return v.explain(err, key)
		}
	}
	line := knownhosts.Line([]string{v.addr}, key) + "\n"
	if len(data) > 0 && data[len(data)-1] != '\n' {
		line = "\n" + line
	}
	if _, err := f.WriteString(line); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	v.log.Info("recorded new host key (trust on first use)", "device", v.name, "addr", v.addr,
		"key", key.Type()+" "+ssh.FingerprintSHA256(key), "known_hosts", v.path)
	return nil
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

// addrString is a net.Addr for an address that may be a host name, which
// known_hosts lookups need only as text.
type addrString string

func (a addrString) Network() string { return "tcp" }
func (a addrString) String() string  { return string(a) }

func (v *verifier) algorithms() []string {
	if v.known == nil {
		return nil
	}
	var ke *knownhosts.KeyError
	if err := v.known(v.addr, addrString(v.addr), probeKey); !errors.As(err, &ke) || len(ke.Want) == 0 {
		return nil
	}
	var algos []string
	for _, w := range ke.Want {
		algos = addKeyAlgorithms(algos, w.Key.Type())
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

// cache holds the parsed known_hosts files of the process.
var cache knownHostsCache

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
