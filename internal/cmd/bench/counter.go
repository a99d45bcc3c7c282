package main

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/embedded"
)

// requestCounter counts, by API key, every request the embedded brokers
// receive, connection set-up (ApiVersions, SASL) included, since a provider
// that reconnects too often pays for it as surely as one that reads too
// much.
type requestCounter struct {
	mu     sync.Mutex
	counts map[int16]int
	// waited holds the long-poll requests seen in the last minute. kfake
	// parks a Fetch that has to wait for data and, when it wakes (at
	// MaxWait, five seconds by default), passes the same request through
	// the control functions again: that second pass is not a new request,
	// and it may come after the client that sent it has exited, in the
	// next phase.
	waited map[kmsg.Request]time.Time
	// pruned is when waited last dropped what it no longer needs.
	pruned time.Time
}

// waitedTTL is how long a long-poll request is remembered, well beyond any
// MaxWait a client uses.
const waitedTTL = time.Minute

// countRequests observes every request the cluster receives. It goes
// through the cluster's Observe rather than a kfake control function of its
// own: the embedded cluster answers ApiVersions in a control function that
// runs first, so a later one would never see those requests.
func countRequests(cluster *embedded.Cluster) *requestCounter {
	c := &requestCounter{counts: make(map[int16]int), waited: make(map[kmsg.Request]time.Time), pruned: time.Now()}
	cluster.Observe(func(req kmsg.Request) { c.observe(req, time.Now()) })
	return c
}

// observe counts req, unless it is a long poll seen before.
func (c *requestCounter) observe(req kmsg.Request, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if key := kmsg.Key(req.Key()); key == kmsg.Fetch || key == kmsg.ShareFetch {
		if _, again := c.waited[req]; again {
			delete(c.waited, req) // kfake wakes a parked request once
			return
		}
		c.waited[req] = now
	}
	c.counts[req.Key()]++
	if now.Sub(c.pruned) > waitedTTL {
		for r, at := range c.waited {
			if now.Sub(at) > waitedTTL {
				delete(c.waited, r)
			}
		}
		c.pruned = now
	}
}

// take returns the counts since the previous take and starts afresh, so
// each benchmark phase sees only its own requests.
func (c *requestCounter) take() requestCounts {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := requestCounts(c.counts)
	c.counts = make(map[int16]int)
	return out
}

// requestCounts maps a Kafka API key to how many requests of it arrived.
type requestCounts map[int16]int

func (rc requestCounts) total() int {
	n := 0
	for _, v := range rc {
		n += v
	}
	return n
}

// perResource renders every request kind with its count divided by n,
// most frequent first.
func (rc requestCounts) perResource(n int) string {
	kinds := rc.sorted()
	if len(kinds) == 0 {
		return "none"
	}
	parts := make([]string, 0, len(kinds))
	for _, kd := range kinds {
		parts = append(parts, kd.name+" "+formatRate(float64(kd.count)/float64(n)))
	}
	return strings.Join(parts, ", ")
}

// formatRate renders requests per resource with three decimals, enough
// to hold a rate against a target such as 0.02, and a rate too small for
// them with two significant digits, so that it never reads as zero.
func formatRate(x float64) string {
	if x > 0 && x < 0.001 {
		return fmt.Sprintf("%.2g", x)
	}
	return fmt.Sprintf("%.3f", x)
}

type kindCount struct {
	name  string
	count int
}

// sorted lists the request kinds, most frequent first, ties by name.
func (rc requestCounts) sorted() []kindCount {
	kinds := make([]kindCount, 0, len(rc))
	for key, n := range rc {
		kinds = append(kinds, kindCount{name: kmsg.NameForKey(key), count: n})
	}
	sort.Slice(kinds, func(i, j int) bool {
		if kinds[i].count != kinds[j].count {
			return kinds[i].count > kinds[j].count
		}
		return kinds[i].name < kinds[j].name
	})
	return kinds
}

// top renders the k most frequent request kinds, most frequent first, ties
// by name, with the number of further kinds left out.
func (rc requestCounts) top(k int) string {
	kinds := rc.sorted()
	if len(kinds) == 0 {
		return "-"
	}
	parts := make([]string, 0, k+1)
	for i, kd := range kinds {
		if i == k {
			parts = append(parts, fmt.Sprintf("+%d more", len(kinds)-k))
			break
		}
		parts = append(parts, fmt.Sprintf("%s %d", kd.name, kd.count))
	}
	return strings.Join(parts, ", ")
}
