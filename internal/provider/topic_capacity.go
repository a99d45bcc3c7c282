package provider

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// plannedReplicas returns every topic's partition replicas as the plan
// leaves them: the snapshot's, with the plan's new, grown and destroyed
// topics applied. A topic whose replication factor is left to the broker
// counts the broker default, 3 capped at the broker count.
func plannedReplicas(snap *kafka.Snapshot, view tenancy.LedgerView) map[string]int {
	replicas := snap.TopicReplicas()
	defaultRF := int64(min(3, len(snap.Brokers())))
	for name, pt := range view.Topics {
		if pt.Destroy {
			delete(replicas, name)
			continue
		}
		rf := pt.ReplicationFactor
		if rf <= 0 {
			rf = defaultRF
		}
		replicas[name] = int(pt.Partitions * rf)
	}
	return replicas
}

// checkPartitions checks the partition replicas a topic plan adds against
// the declared partitions_per_broker and against the envelope of the
// topic's virtual cluster, counting the plan's other topics. Shrinking or
// keeping the count is never refused. It reports whether a limit was
// exceeded, which the plan's destroys might lift.
func (r *topicResource) checkPartitions(snap *kafka.Snapshot, ns tenancy.Namespaces, view tenancy.LedgerView, entry tenancy.PlannedTopic, diags *diag.Diagnostics) bool {
	replicas := plannedReplicas(snap, view)
	brokers := len(snap.Brokers())
	rf := entry.ReplicationFactor
	if rf <= 0 {
		rf = int64(min(3, brokers))
	}
	// The replicas counted include this topic's current ones, if it
	// exists; the plan adds the difference.
	added := int(entry.Partitions*rf) - replicas[entry.Name]
	if added <= 0 {
		return false
	}
	exceeded := false
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
			exceeded = true
		}
	}
	return r.checkEnvelopePartitions(ns, entry, replicas, brokers, added, diags) || exceeded
}

// checkEnvelopePartitions checks the topic's virtual cluster envelope.
func (r *topicResource) checkEnvelopePartitions(ns tenancy.Namespaces, entry tenancy.PlannedTopic, replicas map[string]int, brokers, added int, diags *diag.Diagnostics) bool {
	t, ok := ns.Tenants[entry.Tenant]
	if entry.Tenant == "" || !ok {
		return false
	}
	vc, ok := ns.VirtualClusters[t.VirtualCluster]
	if !ok || vc.Envelope == nil || vc.Envelope.Partitions == 0 {
		return false
	}
	existing := replicasUnder(replicas, memberPrefixes(ns, vc.Name))
	if _, err := tenancy.CheckEnvelopePartitions(vc.Name, *vc.Envelope, brokers, existing, added); err != nil {
		partitionsExceeded(diags, err)
		return true
	}
	return false
}

// memberPrefixes returns the topic prefixes of a virtual cluster's tenants.
func memberPrefixes(ns tenancy.Namespaces, vc string) []string {
	var prefixes []string
	for _, member := range ns.TenantsOf(vc) {
		prefixes = append(prefixes, member.Prefixes[tenancy.TopicNames])
	}
	return prefixes
}

// replicasUnder adds up the replicas of the topics under any of prefixes.
func replicasUnder(replicas map[string]int, prefixes []string) int {
	total := 0
	for topic, n := range replicas {
		for _, p := range prefixes {
			if p != "" && strings.HasPrefix(topic, p) {
				total += n
				break
			}
		}
	}
	return total
}
