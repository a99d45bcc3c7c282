package kafka

import (
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// A metadata answer that lists partitions 0 and 2 of a topic but not 1
// describes two partitions, with partition 1's leader unknown (-1) and no
// replicas, rather than shifting partition 2 into its place.
func TestDescribe_partitionsByIndex(t *testing.T) {
	topic := kmsg.NewMetadataResponseTopic()
	topic.Topic = kmsg.StringPtr("t")
	for _, p := range []struct{ id, leader int32 }{{2, 3}, {0, 1}} {
		part := kmsg.NewMetadataResponseTopicPartition()
		part.Partition, part.Leader, part.Replicas = p.id, p.leader, []int32{p.leader, 2}
		topic.Partitions = append(topic.Partitions, part)
	}
	d := describe(topic)
	if d.Partitions != 2 {
		t.Errorf("Partitions = %d, want 2, the partitions listed", d.Partitions)
	}
	if want := []int32{1, -1, 3}; !slices.Equal(d.Leaders, want) {
		t.Errorf("Leaders = %v, want %v", d.Leaders, want)
	}
	if len(d.Replicas) != 3 || !slices.Equal(d.Replicas[0], []int32{1, 2}) || d.Replicas[1] != nil || !slices.Equal(d.Replicas[2], []int32{3, 2}) {
		t.Errorf("Replicas = %v, want [[1 2] [] [3 2]] with partition 1 nil", d.Replicas)
	}
}

// A partition ID far past the partition count, which Kafka never sends,
// is left out instead of sizing the description by it.
func TestDescribe_ignoresAPartitionFarPastTheCount(t *testing.T) {
	topic := kmsg.NewMetadataResponseTopic()
	topic.Topic = kmsg.StringPtr("t")
	for _, id := range []int32{0, 1 << 30} {
		part := kmsg.NewMetadataResponseTopicPartition()
		part.Partition, part.Leader = id, 1
		topic.Partitions = append(topic.Partitions, part)
	}
	d := describe(topic)
	if len(d.Leaders) != 1 || len(d.Replicas) != 1 || d.Leaders[0] != 1 {
		t.Errorf("Leaders = %v, %d replica lists; want [1] and 1: only partition 0 described", d.Leaders, len(d.Replicas))
	}
}
