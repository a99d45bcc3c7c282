package kafka

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
)

// TopicReplicas returns, for every topic on the cluster, its partition
// replicas: partitions times replication factor, as each replica occupies
// a broker. It asks the cluster afresh; concurrent calls share one
// Metadata request.
func (c *Client) TopicReplicas(ctx context.Context) (map[string]int, error) {
	meta, err := c.allTopics.get(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing topics: %w", err)
	}
	out := make(map[string]int, len(meta.Topics))
	for _, t := range meta.Topics {
		if t.Topic == nil || kerr.ErrorForCode(t.ErrorCode) != nil {
			continue
		}
		n := 0
		for _, p := range t.Partitions {
			n += len(p.Replicas)
		}
		out[*t.Topic] = n
	}
	return out, nil
}
