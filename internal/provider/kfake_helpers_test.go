package provider_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// reassignments records the AlterPartitionAssignments requests the
// embedded cluster receives for one topic.
type reassignments struct {
	mu         sync.Mutex
	partitions map[int32][]int32
}

// recordReassignments observes, without intercepting, every reassignment of
// topic sent to the cluster while the test runs.
func recordReassignments(t *testing.T, fake *kfake.Cluster, topic string) *reassignments {
	t.Helper()
	r := &reassignments{partitions: map[int32][]int32{}}
	var (
		doneMu sync.Mutex
		done   bool
	)
	t.Cleanup(func() { doneMu.Lock(); done = true; doneMu.Unlock() })
	fake.ControlKey(int16(kmsg.AlterPartitionAssignments), func(req kmsg.Request) (kmsg.Response, error, bool) {
		doneMu.Lock()
		finished := done
		doneMu.Unlock()
		if finished {
			fake.DropControl()
			return nil, nil, false
		}
		fake.KeepControl()
		ar := req.(*kmsg.AlterPartitionAssignmentsRequest)
		for _, rt := range ar.Topics {
			if rt.Topic != topic {
				continue
			}
			r.mu.Lock()
			for _, p := range rt.Partitions {
				r.partitions[p.Partition] = slices.Clone(p.Replicas)
			}
			r.mu.Unlock()
		}
		return nil, nil, false
	})
	return r
}

// assertGrowth checks that every one of the topic's partitions was asked
// to grow to rf distinct replicas.
func (r *reassignments) assertGrowth(t *testing.T, partitions int, rf int) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.partitions) != partitions {
		t.Fatalf("reassignment named %d partitions, want %d: %v", len(r.partitions), partitions, r.partitions)
	}
	for p, replicas := range r.partitions {
		seen := map[int32]bool{}
		for _, b := range replicas {
			seen[b] = true
		}
		if len(replicas) != rf || len(seen) != rf {
			t.Errorf("partition %d reassigned to %v, want %d distinct brokers", p, replicas, rf)
		}
	}
}
