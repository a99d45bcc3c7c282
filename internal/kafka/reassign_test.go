package kafka_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

func TestPlanReassignment(t *testing.T) {
	cases := []struct {
		name     string
		replicas [][]int32
		brokers  []int32
		rf       int
		want     map[int32][]int32
	}{
		{
			// Every broker holds one replica at the start; each addition
			// goes to the least loaded broker, lowest ID on ties, so the
			// load ends even.
			name:     "grow 1 to 3 balances",
			replicas: [][]int32{0: {1}, 1: {2}, 2: {3}},
			brokers:  []int32{1, 2, 3},
			rf:       3,
			want:     map[int32][]int32{0: {1, 2, 3}, 1: {2, 1, 3}, 2: {3, 1, 2}},
		},
		{
			name:     "grow onto the least loaded brokers, lowest ID on ties",
			replicas: [][]int32{0: {1}, 1: {1}, 2: {1}},
			brokers:  []int32{1, 2, 3},
			rf:       2,
			want:     map[int32][]int32{0: {1, 2}, 1: {1, 3}, 2: {1, 2}},
		},
		{
			name:     "grow counts replicas already placed",
			replicas: [][]int32{0: {2, 3}, 1: {3}},
			brokers:  []int32{1, 2, 3},
			rf:       2,
			want:     map[int32][]int32{1: {3, 1}},
		},
		{
			name:     "shrink keeps the leader and first replicas",
			replicas: [][]int32{0: {2, 3, 1}, 1: {3, 1, 2}},
			brokers:  []int32{1, 2, 3},
			rf:       1,
			want:     map[int32][]int32{0: {2}, 1: {3}},
		},
		{
			name:     "shrink 3 to 2",
			replicas: [][]int32{0: {1, 2, 3}, 1: {2, 3, 1}},
			brokers:  []int32{1, 2, 3},
			rf:       2,
			want:     map[int32][]int32{0: {1, 2}, 1: {2, 3}},
		},
		{
			name:     "no change when every partition has rf replicas",
			replicas: [][]int32{0: {1, 2}, 1: {2, 3}, 2: {3, 1}},
			brokers:  []int32{1, 2, 3},
			rf:       2,
			want:     map[int32][]int32{},
		},
		{
			// SetReplicationFactor refuses this before planning; the plan
			// itself adds what it can and stops.
			name:     "rf above the broker count leaves partitions partial",
			replicas: [][]int32{0: {1}},
			brokers:  []int32{1, 2},
			rf:       3,
			want:     map[int32][]int32{0: {1, 2}},
		},
		{
			// Broker 9 is gone from the cluster but still listed as a
			// replica; new replicas must land on live brokers only.
			name:     "never adds a broker that is not live",
			replicas: [][]int32{0: {9}, 1: {1}, 2: {2}, 3: {3}, 4: {1}, 5: {2}, 6: {3}},
			brokers:  []int32{1, 2, 3},
			rf:       2,
			want:     map[int32][]int32{0: {9, 1}, 1: {1, 2}, 2: {2, 3}, 3: {3, 1}, 4: {1, 2}, 5: {2, 3}, 6: {3, 1}},
		},
		{
			// Partition 1 was missing from the metadata: nothing is known
			// of its replicas, so nothing is planned for it.
			name:     "a partition missing from the metadata is left alone",
			replicas: [][]int32{0: {1}, 2: {2}},
			brokers:  []int32{1, 2, 3},
			rf:       2,
			want:     map[int32][]int32{0: {1, 3}, 2: {2, 1}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := cloneReplicas(tc.replicas)
			got := kafka.PlanReassignment(tc.replicas, tc.brokers, tc.rf)
			if !maps.EqualFunc(got, tc.want, slices.Equal) {
				t.Errorf("PlanReassignment = %v, want %v", got, tc.want)
			}
			if !slices.EqualFunc(tc.replicas, before, slices.Equal) {
				t.Errorf("PlanReassignment modified its input: %v, was %v", tc.replicas, before)
			}
		})
	}
}

func cloneReplicas(replicas [][]int32) [][]int32 {
	out := make([][]int32, len(replicas))
	for p, rs := range replicas {
		out[p] = slices.Clone(rs)
	}
	return out
}
