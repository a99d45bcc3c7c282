package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"
	"golang.org/x/sync/errgroup"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/embedded"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// BenchmarkSnapshot_memory measures the Go heap a loaded snapshot holds,
// per topic, below and above the topic count past which the snapshot stops
// loading configs up front (20000) but still holds every topic's
// partitions. The cluster runs in this process and holds its own copy of
// every topic, so the figure is the live heap's growth across the load
// alone, with the cluster populated and the client connected beforehand.
// ns/op is the load's wall time; B/op and allocs/op count the cluster's
// allocations while answering as well as the client's.
//
//	go test ./internal/kafka -run '^$' -bench BenchmarkSnapshot_memory -benchtime=1x
func BenchmarkSnapshot_memory(b *testing.B) {
	if testing.Short() {
		b.Skip("creates tens of thousands of topics")
	}
	for _, n := range []int{5000, 25000} {
		b.Run(fmt.Sprintf("topics=%d", n), func(b *testing.B) {
			benchmarkSnapshotMemory(b, n)
		})
	}
}

func benchmarkSnapshotMemory(b *testing.B, n int) {
	ctx := context.Background()
	c := startEmbedded(b)
	newClient := func() *kafka.Client { return registryClient(b, c, "") }

	// Concurrent creates share CreateTopics requests of up to 500 topics;
	// a thousand callers at a time keep two batches filling.
	start := time.Now()
	setup := newClient()
	var g errgroup.Group
	g.SetLimit(1000)
	for i := range n {
		g.Go(func() error {
			_, err := setup.CreateTopic(ctx, kafka.TopicSpec{
				Name:              fmt.Sprintf("bench.tenant-%03d.topic-%05d", i%500, i),
				Partitions:        1,
				ReplicationFactor: embedded.DefaultBrokers,
				Configs:           map[string]string{"retention.ms": strconv.Itoa(3600000 + i)},
			})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	setup.Close()
	b.Logf("created %d topics in %v", n, time.Since(start).Round(time.Millisecond))

	tally := tallyRequests(c.Fake)
	var connBytes, heapBytes, requests, describeConfigs float64
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		cl := newClient()
		before := acctest.LiveHeap()
		// Connect before the first reading, as the connection is not
		// the snapshot's cost. The connection check reads every topic's
		// metadata and keeps it for a load starting within a second;
		// deleting a topic that does not exist drops it, so that the
		// baseline does not hold an answer the load then frees, and the
		// load reads metadata afresh, as it does after any write.
		if err := cl.Ping(ctx); err != nil {
			b.Fatal(err)
		}
		if err := cl.DeleteTopic(ctx, "bench.absent"); !errors.Is(err, kafka.ErrNotFound) {
			b.Fatalf("deleting a topic that does not exist: %v", err)
		}
		tally.reset()
		connected := acctest.LiveHeap()
		b.StartTimer()
		snap, err := cl.Snapshot(ctx)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		loaded := acctest.LiveHeap()
		runtime.KeepAlive(snap)
		runtime.KeepAlive(cl)

		if got := len(snap.TopicLayouts("bench.")); got != n {
			b.Fatalf("the snapshot holds %d of the %d topics", got, n)
		}
		connBytes += float64(connected) - float64(before)
		heapBytes += float64(loaded) - float64(connected)
		tally.mu.Lock()
		for key, count := range tally.counts {
			requests += float64(count)
			b.Logf("%s: %d", kmsg.NameForKey(key), count)
		}
		tally.mu.Unlock()
		describeConfigs += float64(tally.get(kmsg.DescribeConfigs))
		cl.Close()
		b.StartTimer()
	}
	b.StopTimer()
	runs := float64(b.N)
	b.ReportMetric(heapBytes/runs/float64(n), "heap-B/topic")
	b.ReportMetric(heapBytes/runs, "heap-B")
	b.ReportMetric(connBytes/runs, "conn-heap-B")
	b.ReportMetric(requests/runs, "requests")
	b.ReportMetric(describeConfigs/runs, "DescribeConfigs")
}
