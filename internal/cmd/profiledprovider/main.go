// Command profiledprovider is the kafkatenant provider with profiles: the
// benchmark builds it instead of the provider when asked to profile, and
// every provider process Terraform starts writes, to the directory in
// KAFKATENANT_PROFILE_DIR, its CPU profile, its heap profile (in use at
// exit, and everything allocated) and its goroutines when it exits, and a
// log of its heap over time while it runs.
// It is never released.
package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"time"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/provider"
)

func main() {
	dir := os.Getenv("KAFKATENANT_PROFILE_DIR")
	if dir == "" {
		log.Fatal("profiledprovider: set KAFKATENANT_PROFILE_DIR to the directory for the profiles")
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu-%d.pprof", os.Getpid())))
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatal(err)
	}
	memory, err := startMemoryLog(filepath.Join(dir, fmt.Sprintf("memory-%d.txt", os.Getpid())))
	if err != nil {
		log.Fatal(err)
	}
	serveErr := provider.Serve("registry.terraform.io/kafkatenant/kafkatenant", "profiled", false)
	pprof.StopCPUProfile()
	if err := memory.stop(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	// Collections first, so that "in use" is what is still reachable once
	// Terraform has closed the provider, not what the last collection of
	// a busy run happened to find (the profile lags a collection behind).
	runtime.GC()
	runtime.GC()
	if err := writeProfile("heap", filepath.Join(dir, fmt.Sprintf("heap-%d.pprof", os.Getpid()))); err != nil {
		log.Fatal(err)
	}
	if err := writeProfile("goroutine", filepath.Join(dir, fmt.Sprintf("goroutine-%d.pprof", os.Getpid()))); err != nil {
		log.Fatal(err)
	}
	if serveErr != nil {
		log.Fatal(serveErr)
	}
}

// writeProfile writes the named runtime profile to path. The heap profile
// holds both what is in use and everything allocated since the start (go
// tool pprof -sample_index=alloc_space); the goroutine profile shows what
// is still running once Terraform has closed the provider.
func writeProfile(name, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	werr := pprof.Lookup(name).WriteTo(f, 0)
	return errors.Join(werr, f.Close())
}

// memoryLog samples the Go heap every 200 ms into a file, one line per
// sample: the live heap after the last collection, the heap's objects
// including garbage, the collections so far and the goroutines. A live
// heap that grows with the calls served is memory kept after them.
type memoryLog struct {
	done, finished chan struct{}
	err            error
}

func startMemoryLog(path string) (*memoryLog, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	m := &memoryLog{done: make(chan struct{}), finished: make(chan struct{})}
	go func() {
		defer close(m.finished)
		samples := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}}
		start := time.Now()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(samples)
			_, werr := fmt.Fprintf(f, "%6.1fs live %6.1f MiB heap %6.1f MiB collections %d goroutines %d\n",
				time.Since(start).Seconds(), mib(samples[0].Value.Uint64()), mib(samples[1].Value.Uint64()), samples[2].Value.Uint64(), runtime.NumGoroutine())
			if werr != nil {
				m.err = errors.Join(werr, f.Close())
				return
			}
			select {
			case <-m.done:
				m.err = f.Close()
				return
			case <-tick.C:
			}
		}
	}()
	return m, nil
}

// stop ends the sampling and reports a failed write.
func (m *memoryLog) stop() error {
	close(m.done)
	<-m.finished
	return m.err
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
