package acctest

import "runtime"

// LiveHeap returns the bytes of live heap objects: collected twice, so
// that objects a finalizer of the first collection freed are gone too.
// Tests that measure what something keeps read it before and after.
func LiveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
