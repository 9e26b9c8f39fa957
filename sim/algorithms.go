package sim

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"slices"
	"sync"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
)

// LegacyAlgorithms are what a 2010 IOS image offers, and all it offers: a
// Device with these needs a client that opts in to each. Tests share the
// value; none may change it.
var LegacyAlgorithms = drivers.Algorithms{
	KeyExchanges:      []string{"diffie-hellman-group1-sha1"},
	Ciphers:           []string{"aes128-cbc"},
	HostKeyAlgorithms: []string{"ssh-rsa"},
	MACs:              []string{"hmac-sha1"},
}

var rsaAlgorithms = []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}

var (
	rsaOnce sync.Once
	rsaKey  ssh.AlgorithmSigner
	rsaErr  error
)

// rsaHostKey is one RSA key per process: generating one takes long enough
// to matter in a test run, and legacy devices need no key of their own.
func rsaHostKey() (ssh.AlgorithmSigner, error) {
	rsaOnce.Do(func() {
		var k *rsa.PrivateKey
		if k, rsaErr = rsa.GenerateKey(rand.Reader, 2048); rsaErr != nil {
			return
		}
		var s ssh.Signer
		if s, rsaErr = ssh.NewSignerFromKey(k); rsaErr == nil {
			rsaKey = s.(ssh.AlgorithmSigner)
		}
	})
	return rsaKey, rsaErr
}

// restrictAlgorithms makes cfg offer only the algorithms a lists (each list
// that is set) and returns the host keys to offer, first the one clients
// should trust.
func restrictAlgorithms(cfg *ssh.ServerConfig, hostKey ssh.Signer, a drivers.Algorithms) ([]ssh.Signer, error) {
	if len(a.KeyExchanges) > 0 {
		cfg.KeyExchanges = a.KeyExchanges
	}
	if len(a.Ciphers) > 0 {
		cfg.Ciphers = a.Ciphers
	}
	if len(a.MACs) > 0 {
		cfg.MACs = a.MACs
	}
	if len(a.HostKeyAlgorithms) == 0 {
		return []ssh.Signer{hostKey}, nil
	}
	var keys []ssh.Signer
	offer := func(k ssh.Signer, supported []string) error {
		var algs []string
		for _, alg := range supported {
			if slices.Contains(a.HostKeyAlgorithms, alg) {
				algs = append(algs, alg)
			}
		}
		if len(algs) == 0 {
			return nil
		}
		as, ok := k.(ssh.AlgorithmSigner)
		if !ok {
			keys = append(keys, k)
			return nil
		}
		ms, err := ssh.NewSignerWithAlgorithms(as, algs)
		if err != nil {
			return err
		}
		keys = append(keys, ms)
		return nil
	}
	given := []string{hostKey.PublicKey().Type()}
	if given[0] == ssh.KeyAlgoRSA {
		given = rsaAlgorithms
	}
	if err := offer(hostKey, given); err != nil {
		return nil, err
	}
	if given[0] != ssh.KeyAlgoRSASHA512 && slices.ContainsFunc(rsaAlgorithms, func(alg string) bool {
		return slices.Contains(a.HostKeyAlgorithms, alg)
	}) {
		rk, err := rsaHostKey()
		if err != nil {
			return nil, err
		}
		if err := offer(rk, rsaAlgorithms); err != nil {
			return nil, err
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("no host key for the host key algorithms asked for")
	}
	return keys, nil
}
