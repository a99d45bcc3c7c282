package kafka

import (
	"context"
	"fmt"
)

// TopicReplicas returns, for every topic on the cluster, its partition
// replicas: partitions times replication factor, as each replica occupies
// a broker. One Metadata request answers for all topics.
func (c *Client) TopicReplicas(ctx context.Context) (map[string]int, error) {
	adm, err := c.admin(ctx)
	if err != nil {
		return nil, err
	}
	details, err := adm.ListTopicsWithInternal(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing topics: %w", err)
	}
	out := make(map[string]int, len(details))
	for name, td := range details {
		if td.Err != nil {
			continue
		}
		n := 0
		for _, p := range td.Partitions {
			n += len(p.Replicas)
		}
		out[name] = n
	}
	return out, nil
}
