package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// recordingFetch is a fetch function that records every batch, answers
// each key with its own upper-case echo except keys in missing, and, while
// gate is open, blocks its first call until gate is closed.
type recordingFetch struct {
	mu      sync.Mutex
	batches [][]string
	missing map[string]bool
	err     error
	gate    chan struct{}
	entered chan struct{}
}

func newRecordingFetch() *recordingFetch {
	return &recordingFetch{gate: make(chan struct{}), entered: make(chan struct{}, 1)}
}

func (f *recordingFetch) fetch(ctx context.Context, keys []string) (map[string]string, error) {
	if _, ok := ctx.Deadline(); !ok {
		return nil, errors.New("fetch context has no deadline")
	}
	f.mu.Lock()
	f.batches = append(f.batches, slices.Clone(keys))
	first := len(f.batches) == 1
	f.mu.Unlock()
	if first {
		f.entered <- struct{}{}
		<-f.gate
	}
	if f.err != nil {
		return nil, f.err
	}
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		if !f.missing[k] {
			out[k] = "value-of-" + k
		}
	}
	return out, nil
}

func (f *recordingFetch) recorded() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.batches)
}

// pendingWaiters counts the lookups queued behind the running fetch.
func (c *coalescer[K, V]) pendingWaiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, ws := range c.pending {
		n += len(ws)
	}
	return n
}

// waitFor polls cond for up to five seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

type lookup struct {
	key, val string
	ok       bool
	err      error
}

// runLookups holds a first fetch for the key "primer", starts one get per
// key while it is held, waits until all of them are queued, then releases
// the fetch and collects the results. The queued lookups must then go out
// together, batched only by maxBatch.
func runLookups(t *testing.T, c *coalescer[string, string], f *recordingFetch, keys []string) []lookup {
	t.Helper()
	primer := make(chan error, 1)
	go func() {
		_, _, err := c.get(context.Background(), "primer")
		primer <- err
	}()
	<-f.entered
	results := make([]lookup, len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Go(func() {
			v, ok, err := c.get(context.Background(), k)
			results[i] = lookup{key: k, val: v, ok: ok, err: err}
		})
	}
	waitFor(t, "every lookup to queue", func() bool { return c.pendingWaiters() == len(keys) })
	close(f.gate)
	wg.Wait()
	if err := <-primer; err != nil && f.err == nil {
		t.Errorf("primer lookup: %v", err)
	}
	if b := f.recorded(); !slices.Equal(b[0], []string{"primer"}) {
		t.Fatalf("first batch = %v, want the primer alone", b[0])
	}
	return results
}

func TestCoalescer_batchesQueuedLookups(t *testing.T) {
	f := newRecordingFetch()
	c := newCoalescer(time.Millisecond, time.Minute, 500, f.fetch)
	keys := numberedKeys(50)
	for _, r := range runLookups(t, c, f, keys) {
		if r.err != nil || !r.ok || r.val != "value-of-"+r.key {
			t.Errorf("get(%q) = %q, %t, %v", r.key, r.val, r.ok, r.err)
		}
	}
	batches := f.recorded()
	if len(batches) != 2 {
		t.Errorf("50 queued lookups took %d fetches after the primer %v, want 1", len(batches)-1, batchSizes(batches[1:]))
	}
	assertEachKeyOnce(t, batches[1:], keys)
}

// Without any gating, 50 callers arriving together must still share a few
// fetches: the first waits out the window, later ones queue behind it.
func TestCoalescer_batchesUnderLoad(t *testing.T) {
	var (
		mu    sync.Mutex
		calls int
	)
	c := newCoalescer(2*time.Millisecond, time.Minute, 500, func(_ context.Context, keys []string) (map[string]int, error) {
		mu.Lock()
		calls++
		mu.Unlock()
		time.Sleep(20 * time.Millisecond) // a broker round trip
		out := make(map[string]int, len(keys))
		for _, k := range keys {
			out[k] = len(k)
		}
		return out, nil
	})
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, k := range numberedKeys(50) {
		wg.Go(func() {
			<-start
			if v, ok, err := c.get(context.Background(), k); err != nil || !ok || v != len(k) {
				t.Errorf("get(%q) = %d, %t, %v", k, v, ok, err)
			}
		})
	}
	close(start)
	wg.Wait()
	// One fetch per caller would be 50; on a quiet machine it is 1 or 2.
	// The bound leaves room for a loaded scheduler.
	if calls > 10 {
		t.Errorf("50 concurrent lookups took %d fetches, want at most 10", calls)
	}
}

func TestCoalescer_sharesOneFetchPerKey(t *testing.T) {
	f := newRecordingFetch()
	c := newCoalescer(time.Millisecond, time.Minute, 500, f.fetch)
	var keys []string
	for i := range 50 {
		keys = append(keys, fmt.Sprintf("topic-%d", i%5))
	}
	for _, r := range runLookups(t, c, f, keys) {
		if r.err != nil || r.val != "value-of-"+r.key {
			t.Errorf("get(%q) = %q, %v", r.key, r.val, r.err)
		}
	}
	batches := f.recorded()
	if len(batches) != 2 || len(batches[1]) != 5 {
		t.Errorf("50 lookups of 5 keys were fetched as %v, want one batch of 5", batches[1:])
	}
}

func TestCoalescer_respectsMaxBatch(t *testing.T) {
	f := newRecordingFetch()
	const maxBatch = 8
	c := newCoalescer(time.Millisecond, time.Minute, maxBatch, f.fetch)
	keys := numberedKeys(50)
	for _, r := range runLookups(t, c, f, keys) {
		if r.err != nil || r.val != "value-of-"+r.key {
			t.Errorf("get(%q) = %q, %v", r.key, r.val, r.err)
		}
	}
	batches := f.recorded()[1:]
	for i, b := range batches {
		if len(b) > maxBatch {
			t.Errorf("batch %d has %d keys, more than maxBatch %d", i, len(b), maxBatch)
		}
	}
	// Everything was queued, so the keys must go out in full batches, not
	// one at a time.
	if want := (len(keys) + maxBatch - 1) / maxBatch; len(batches) != want {
		t.Errorf("got %d fetches %v, want %d", len(batches), batchSizes(batches), want)
	}
	assertEachKeyOnce(t, batches, keys)
}

func TestCoalescer_propagatesErrorsToEveryWaiter(t *testing.T) {
	f := newRecordingFetch()
	f.err = errors.New("broker said no")
	c := newCoalescer(time.Millisecond, time.Minute, 500, f.fetch)
	keys := []string{"a", "b", "c", "a", "d", "e", "f", "g"}
	for _, r := range runLookups(t, c, f, keys) {
		if !errors.Is(r.err, f.err) {
			t.Errorf("get(%q) error = %v, want %v", r.key, r.err, f.err)
		}
		if r.ok {
			t.Errorf("get(%q) reports found alongside an error", r.key)
		}
	}
}

func TestCoalescer_reportsMissingKeys(t *testing.T) {
	f := newRecordingFetch()
	close(f.gate)
	f.missing = map[string]bool{"gone": true}
	c := newCoalescer(time.Millisecond, time.Minute, 500, f.fetch)
	_, ok, err := c.get(context.Background(), "gone")
	if err != nil || ok {
		t.Errorf("get(missing) = ok %t, err %v; want not found and no error", ok, err)
	}
	v, ok, err := c.get(context.Background(), "here")
	if err != nil || !ok || v != "value-of-here" {
		t.Errorf("get(present) = %q, %t, %v", v, ok, err)
	}
}

// A caller that gives up must not wait for the shared fetch, and must not
// disturb the callers still waiting on it.
func TestCoalescer_cancelledCallerReturnsPromptly(t *testing.T) {
	f := newRecordingFetch()
	c := newCoalescer(time.Millisecond, time.Minute, 500, f.fetch)

	patient := make(chan lookup, 1)
	go func() {
		v, ok, err := c.get(context.Background(), "shared")
		patient <- lookup{key: "shared", val: v, ok: ok, err: err}
	}()
	<-f.entered // the fetch for "shared" is now held

	ctx, cancel := context.WithCancel(context.Background())
	impatient := make(chan error, 1)
	go func() {
		_, _, err := c.get(ctx, "shared")
		impatient <- err
	}()
	waitFor(t, "the second lookup to queue", func() bool { return c.pendingWaiters() == 1 })
	cancel()
	select {
	case err := <-impatient:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled get error = %v, want context.Canceled", err)
		}
	case <-time.After(time.Second):
		t.Fatal("cancelled get did not return while the fetch was held")
	}

	close(f.gate)
	r := <-patient
	if r.err != nil || r.val != "value-of-shared" {
		t.Errorf("patient get = %q, %v after another caller cancelled", r.val, r.err)
	}
	// The coalescer keeps working after the abandoned lookup is answered.
	v, _, err := c.get(context.Background(), "later")
	if err != nil || v != "value-of-later" {
		t.Errorf("get after a cancellation = %q, %v", v, err)
	}
}

func assertEachKeyOnce(t *testing.T, batches [][]string, keys []string) {
	t.Helper()
	seen := map[string]int{}
	for _, b := range batches {
		for _, k := range b {
			seen[k]++
		}
	}
	for _, k := range keys {
		if seen[k] != 1 {
			t.Errorf("key %q was fetched %d times, want once", k, seen[k])
		}
	}
	if len(seen) != len(keys) {
		t.Errorf("fetched %d distinct keys, want %d", len(seen), len(keys))
	}
}

func numberedKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("topic-%02d", i)
	}
	return keys
}

func batchSizes(batches [][]string) []int {
	sizes := make([]int, len(batches))
	for i, b := range batches {
		sizes[i] = len(b)
	}
	return sizes
}

// A fresh read waits its window before it begins: a caller arriving in
// that time shares it, and one arriving once it has begun gets the next.
func TestFreshRead_sharesItsWindowNotItsFlight(t *testing.T) {
	var (
		mu      sync.Mutex
		reads   int
		started = make(chan struct{}, 2)
		release = make(chan struct{})
	)
	f := newFreshRead(time.Second, 10*time.Second, func(context.Context) (int, error) {
		mu.Lock()
		reads++
		n := reads
		mu.Unlock()
		started <- struct{}{}
		<-release
		return n, nil
	})
	got := make(chan int, 3)
	get := func() {
		v, err := f.get(context.Background())
		if err != nil {
			t.Error(err)
		}
		got <- v
	}
	go get()
	time.Sleep(20 * time.Millisecond) // well inside the first read's window
	go get()
	<-started
	go get() // the first read is under way: this caller needs the next
	time.Sleep(20 * time.Millisecond)
	close(release)
	a, b, c := <-got, <-got, <-got
	vals := []int{a, b, c}
	slices.Sort(vals)
	if want := []int{1, 1, 2}; !slices.Equal(vals, want) {
		t.Errorf("callers were served by reads %v, want %v: the two callers of the window share the first read, the later one gets the second", vals, want)
	}
}
