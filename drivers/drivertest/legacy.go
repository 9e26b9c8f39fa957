package drivertest

import "github.com/netrun/netrun/drivers"

// LegacyAlgorithms are what an old device (a 2010 IOS image) offers and
// nothing newer: for tests that such a device fails with the secure
// defaults and works once an ssh {} block opts in. Each call returns its
// own copy, so parallel tests may change it.
func LegacyAlgorithms() drivers.Algorithms {
	return drivers.Algorithms{
		KeyExchanges:      []string{"diffie-hellman-group1-sha1"},
		Ciphers:           []string{"aes128-cbc"},
		HostKeyAlgorithms: []string{"ssh-rsa"},
		MACs:              []string{"hmac-sha1"},
	}
}
