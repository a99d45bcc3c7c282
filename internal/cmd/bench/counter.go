package main

import (
	"fmt"
	"sort"
	"strings"
	"sync"

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
}

// countRequests observes every request the cluster receives. It goes
// through the cluster's Observe rather than a kfake control function of its
// own: the embedded cluster answers ApiVersions in a control function that
// runs first, so a later one would never see those requests.
func countRequests(cluster *embedded.Cluster) *requestCounter {
	c := &requestCounter{counts: make(map[int16]int)}
	cluster.Observe(func(req kmsg.Request) { c.observe(req.Key()) })
	return c
}

func (c *requestCounter) observe(key int16) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts[key]++
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
		parts = append(parts, fmt.Sprintf("%s %.2f", kd.name, float64(kd.count)/float64(n)))
	}
	return strings.Join(parts, ", ")
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
