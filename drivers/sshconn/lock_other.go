//go:build !unix

package sshconn

import "os"

// Without flock, only the in-process lock serialises writers.
func lockFile(*os.File) error { return nil }

func unlockFile(*os.File) {}
