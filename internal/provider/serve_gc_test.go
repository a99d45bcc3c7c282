package provider

import (
	"os"
	"runtime/debug"
	"testing"
)

// TestTuneGC checks that a provider process collects at gcPercent, unless
// the environment chose a GOGC, which the runtime has applied already.
func TestTuneGC(t *testing.T) {
	restore := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(restore) })

	t.Setenv("GOGC", "150")
	tuneGC()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set, tuneGC changed the GC percent to %d; want it left at 100", got)
	}

	if err := os.Unsetenv("GOGC"); err != nil {
		t.Fatal(err)
	}
	tuneGC()
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("without GOGC, the GC percent is %d; want %d", got, gcPercent)
	}
}
