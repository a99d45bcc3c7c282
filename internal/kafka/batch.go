package kafka

import (
	"context"
	"sync"
	"time"
)

// batcher merges concurrent writes into shared requests.
//
// Terraform applies resources in parallel (ten at a time by default), and
// each Create asks for one topic, one credential, a few ACLs or one quota.
// Calls that arrive while a batch is being gathered or sent wait and go out
// together in the next one: one CreateTopics for many topics, one
// CreateACLs for many tenants. One batch runs at a time, so under load
// batches grow to whatever arrived during the previous request; an idle
// batcher adds at most window of latency to a lone call.
type batcher[In, Out any] struct {
	// run performs one batch and returns one result per item, in order.
	run      func(ctx context.Context, items []In) []batchResult[Out]
	window   time.Duration
	maxBatch int
	timeout  time.Duration

	mu      sync.Mutex
	pending []*batchCall[In, Out]
	running bool
}

// batchResult is one item's outcome.
type batchResult[Out any] struct {
	val Out
	err error
}

type batchCall[In, Out any] struct {
	in   In
	ctx  context.Context
	done chan batchResult[Out]
}

func newBatcher[In, Out any](window, timeout time.Duration, maxBatch int, run func(context.Context, []In) []batchResult[Out]) *batcher[In, Out] {
	return &batcher[In, Out]{run: run, window: window, maxBatch: maxBatch, timeout: timeout}
}

// do submits in and waits for its result. ctx bounds the wait; a call whose
// ctx ends before its batch is sent is left out of the batch. Once sent, a
// write may take effect even if ctx ends before the answer arrives, as any
// request to a broker may.
func (b *batcher[In, Out]) do(ctx context.Context, in In) (Out, error) {
	call := &batchCall[In, Out]{in: in, ctx: ctx, done: make(chan batchResult[Out], 1)}
	b.mu.Lock()
	b.pending = append(b.pending, call)
	if !b.running {
		b.running = true
		go b.loop()
	}
	b.mu.Unlock()
	select {
	case r := <-call.done:
		return r.val, r.err
	case <-ctx.Done():
		var zero Out
		return zero, ctx.Err()
	}
}

func (b *batcher[In, Out]) loop() {
	for {
		time.Sleep(b.window)
		b.mu.Lock()
		var batch []*batchCall[In, Out]
		for len(b.pending) > 0 && len(batch) < b.maxBatch {
			call := b.pending[0]
			b.pending = b.pending[1:]
			if call.ctx.Err() != nil {
				continue
			}
			batch = append(batch, call)
		}
		if len(batch) == 0 && len(b.pending) == 0 {
			b.running = false
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		if len(batch) == 0 {
			continue
		}
		b.send(batch)
	}
}

// send runs one batch under the earliest deadline among its calls, or the
// batcher's timeout when that is sooner.
func (b *batcher[In, Out]) send(batch []*batchCall[In, Out]) {
	deadline := time.Now().Add(b.timeout)
	items := make([]In, len(batch))
	for i, call := range batch {
		items[i] = call.in
		if d, ok := call.ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	results := b.run(ctx, items)
	cancel()
	for i, call := range batch {
		call.done <- results[i]
	}
}

// uniqueRuns splits items into consecutive runs in which no key repeats,
// for requests that refuse two operations on one object: the runs are sent
// one after another, so the n-th operation on a key goes in the n-th run
// and operations on one key keep their order.
func uniqueRuns[In any](items []In, key func(In) string) [][]int {
	seen := map[string]int{}
	var runs [][]int
	for i, it := range items {
		k := key(it)
		r := seen[k]
		seen[k]++
		if r == len(runs) {
			runs = append(runs, nil)
		}
		runs[r] = append(runs[r], i)
	}
	return runs
}

// freshRead shares a read among concurrent callers so that each is served
// by a read that began after it called: apply-time checks must see what
// other processes wrote before they asked, but many of them asking at once
// should cost one request. Reads run one at a time; callers arriving while
// one runs wait for the next. A read waits window before it begins, as a
// batch does, so that callers arriving in that time share it.
type freshRead[T any] struct {
	fetch   func(ctx context.Context) (T, error)
	window  time.Duration
	timeout time.Duration

	mu      sync.Mutex
	next    *flight[T]
	running sync.Mutex
}

type flight[T any] struct {
	done chan struct{}
	val  T
	err  error
}

func newFreshRead[T any](window, timeout time.Duration, fetch func(context.Context) (T, error)) *freshRead[T] {
	return &freshRead[T]{fetch: fetch, window: window, timeout: timeout}
}

// get returns the result of a read that started after the call.
func (f *freshRead[T]) get(ctx context.Context) (T, error) {
	f.mu.Lock()
	fl := f.next
	if fl == nil {
		fl = &flight[T]{done: make(chan struct{})}
		f.next = fl
		go f.start(fl)
	}
	f.mu.Unlock()
	select {
	case <-fl.done:
		return fl.val, fl.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

func (f *freshRead[T]) start(fl *flight[T]) {
	f.running.Lock()
	defer f.running.Unlock()
	// Callers arriving now are still served by this read.
	time.Sleep(f.window)
	// From here on the read is under way: later callers need the next one.
	f.mu.Lock()
	if f.next == fl {
		f.next = nil
	}
	f.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), f.timeout)
	defer cancel()
	fl.val, fl.err = f.fetch(ctx)
	close(fl.done)
}
