//go:build !unix

package frozen

import "os"

// mapFile reads the whole file where memory mapping is not available.
func mapFile(path string) ([]byte, error) { return os.ReadFile(path) }

// Release is a no-op without memory-mapped files.
func Release(b []byte) {}
