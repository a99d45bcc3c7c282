package provider

import (
	"context"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// replicaCache holds the cluster's partition replicas per topic, read once
// per provider process: every topic of a plan is checked against the same
// snapshot, which costs one Metadata request however many topics there are.
type replicaCache struct {
	once    sync.Once
	topics  map[string]int
	brokers int
	err     error
}

func (d *providerData) topicReplicas(ctx context.Context) (map[string]int, int, error) {
	d.replicas.once.Do(func() {
		d.replicas.topics, d.replicas.err = d.client.TopicReplicas(ctx)
		if d.replicas.err == nil {
			var brokers []int32
			brokers, d.replicas.err = d.client.Brokers(ctx)
			d.replicas.brokers = len(brokers)
		}
	})
	return d.replicas.topics, d.replicas.brokers, d.replicas.err
}

// checkPartitions checks the partition replicas a topic plan adds against
// the declared partitions_per_broker and against the envelope of the
// topic's virtual cluster. Shrinking or keeping the count is never refused.
func (r *topicResource) checkPartitions(ctx context.Context, plan topicModel, state *topicModel, diags *diag.Diagnostics) {
	if plan.Partitions.IsUnknown() {
		return
	}
	replicas, brokers, err := r.data.topicReplicas(ctx)
	if err != nil {
		clusterError(diags, "count partition replicas", err)
		return
	}
	rf := plan.ReplicationFactor.ValueInt64()
	if plan.ReplicationFactor.IsNull() || plan.ReplicationFactor.IsUnknown() {
		// Left to the broker default, which is 3 capped at the broker
		// count unless the cluster configures otherwise.
		rf = int64(min(3, brokers))
		if state != nil {
			rf = state.ReplicationFactor.ValueInt64()
		}
	}
	// The cluster's replicas include this topic's current ones, if it
	// exists; the plan adds the difference.
	name := plan.Name.ValueString()
	added := int(plan.Partitions.ValueInt64()*rf) - replicas[name]
	if added <= 0 {
		return
	}
	if r.data.capacityDeclared {
		c := r.data.capacity
		if c.BrokerCount == 0 {
			c.BrokerCount = brokers
		}
		total := 0
		for _, n := range replicas {
			total += n
		}
		if _, err := tenancy.CheckPartitions(c, total, added); err != nil {
			partitionsExceeded(diags, err)
		}
	}
	r.checkEnvelopePartitions(ctx, plan, replicas, brokers, added, diags)
}

// checkEnvelopePartitions checks the topic's virtual cluster envelope.
func (r *topicResource) checkEnvelopePartitions(ctx context.Context, plan topicModel, replicas map[string]int, brokers, added int, diags *diag.Diagnostics) {
	if plan.Tenant.IsNull() || plan.Tenant.IsUnknown() {
		return
	}
	ns, _, err := r.data.loadNamespaces(ctx, false)
	if err != nil {
		clusterError(diags, "read the registry", err)
		return
	}
	t, ok := ns.Tenants[plan.Tenant.ValueString()]
	if !ok {
		return
	}
	vc, ok := ns.VirtualClusters[t.VirtualCluster]
	if !ok || vc.Envelope == nil || vc.Envelope.Partitions == 0 {
		return
	}
	var prefixes []string
	for _, member := range ns.TenantsOf(vc.Name) {
		prefixes = append(prefixes, member.Prefixes[tenancy.TopicNames])
	}
	existing := 0
	for topic, n := range replicas {
		for _, p := range prefixes {
			if p != "" && strings.HasPrefix(topic, p) {
				existing += n
				break
			}
		}
	}
	if _, err := tenancy.CheckEnvelopePartitions(vc.Name, *vc.Envelope, brokers, existing, added); err != nil {
		partitionsExceeded(diags, err)
	}
}
