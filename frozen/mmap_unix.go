//go:build unix

package frozen

import (
	"os"
	"sync"
	"syscall"
	"unsafe"
)

// mapFile maps a file privately (copy-on-write), so that the decoded graph's
// weights alias the file's pages instead of the heap: pages are read as
// they are touched, and Release hands the pages of a weight that the
// conversion no longer needs back to the kernel. Writes (the tag renames of
// hideTensorContents) stay private to this process. The mapping lives until
// the process ends; a library caller converting many large files in one
// process keeps their address space reserved, not their memory.
func mapFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	if size == 0 || size != int64(int(size)) || !st.Mode().IsRegular() {
		return os.ReadFile(path)
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE)
	if err != nil {
		return os.ReadFile(path) // e.g. a file system without mmap
	}
	mappingsMu.Lock()
	mappings = append(mappings, data)
	mappingsMu.Unlock()
	return data, nil
}

var (
	mappingsMu sync.Mutex
	mappings   [][]byte
)

// Release tells the kernel that the whole pages inside b, a constant's bytes
// that alias a mapped GraphDef, are no longer needed. Reading them again
// stays correct: a private mapping's dropped page is read back from the
// file. Bytes outside any mapping are left alone (the garbage collector
// owns them).
func Release(b []byte) {
	if len(b) == 0 {
		return
	}
	start := uintptr(unsafe.Pointer(&b[0]))
	end := start + uintptr(len(b))
	mappingsMu.Lock()
	defer mappingsMu.Unlock()
	for _, m := range mappings {
		ms := uintptr(unsafe.Pointer(&m[0]))
		if start < ms || end > ms+uintptr(len(m)) {
			continue
		}
		page := uintptr(os.Getpagesize())
		lo := (start + page - 1) &^ (page - 1)
		hi := end &^ (page - 1)
		if hi > lo {
			region := m[lo-ms : hi-ms]
			_ = syscall.Madvise(region, syscall.MADV_DONTNEED)
		}
		return
	}
}
