package kafka

import (
	"context"
	"sync"
	"time"
)

// coalescer merges concurrent lookups of single keys into batched fetches.
//
// Terraform refreshes resources in parallel (ten at a time by default), and
// each refresh asks for one topic. Rather than one Metadata and one
// DescribeConfigs request per topic, lookups that arrive while a batch is
// being gathered or fetched wait and go out together in the next batch. One
// fetch runs at a time, so under load batches grow to whatever arrived
// during the previous fetch; an idle coalescer adds at most window of
// latency to a lone lookup.
type coalescer[K comparable, V any] struct {
	fetch    func(ctx context.Context, keys []K) (map[K]V, error)
	window   time.Duration
	maxBatch int
	timeout  time.Duration

	mu      sync.Mutex
	pending map[K][]chan coalesced[V]
	running bool
}

type coalesced[V any] struct {
	val V
	ok  bool
	err error
}

// newCoalescer returns a coalescer that calls fetch with up to maxBatch
// distinct keys at a time, each fetch bounded by timeout.
func newCoalescer[K comparable, V any](window, timeout time.Duration, maxBatch int, fetch func(context.Context, []K) (map[K]V, error)) *coalescer[K, V] {
	return &coalescer[K, V]{
		fetch:    fetch,
		window:   window,
		maxBatch: maxBatch,
		timeout:  timeout,
		pending:  make(map[K][]chan coalesced[V]),
	}
}

// get returns the value fetched for key and whether the fetch found it. The
// fetch is shared with every other get waiting at the same time; ctx only
// bounds how long this caller waits.
func (c *coalescer[K, V]) get(ctx context.Context, key K) (V, bool, error) {
	ch := make(chan coalesced[V], 1)
	c.mu.Lock()
	c.pending[key] = append(c.pending[key], ch)
	if !c.running {
		c.running = true
		go c.loop()
	}
	c.mu.Unlock()

	select {
	case r := <-ch:
		return r.val, r.ok, r.err
	case <-ctx.Done():
		var zero V
		return zero, false, ctx.Err()
	}
}

// loop drains pending lookups batch by batch and exits when none are left.
func (c *coalescer[K, V]) loop() {
	for {
		time.Sleep(c.window)
		c.mu.Lock()
		if len(c.pending) == 0 {
			c.running = false
			c.mu.Unlock()
			return
		}
		batch := make(map[K][]chan coalesced[V], min(len(c.pending), c.maxBatch))
		for k, waiters := range c.pending {
			if len(batch) == c.maxBatch {
				break
			}
			batch[k] = waiters
			delete(c.pending, k)
		}
		c.mu.Unlock()

		keys := make([]K, 0, len(batch))
		for k := range batch {
			keys = append(keys, k)
		}
		ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
		vals, err := c.fetch(ctx, keys)
		cancel()
		for k, waiters := range batch {
			v, ok := vals[k]
			for _, w := range waiters {
				w <- coalesced[V]{val: v, ok: ok, err: err}
			}
		}
	}
}
