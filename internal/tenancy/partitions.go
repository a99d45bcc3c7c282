package tenancy

import "fmt"

// PartitionCheck is the count behind a partition check.
type PartitionCheck struct {
	// Checked is false when the limit is not declared; then NotChecked
	// says which attribute is missing.
	Checked bool
	// NotChecked says why partitions are not checked, or is "".
	NotChecked string
	// Allowed is the most partition replicas allowed.
	Allowed int
	// Explanation shows how Allowed was derived.
	Explanation string
	// Existing is the partition replicas that exist now.
	Existing int
	// Added is the partition replicas the plan adds (negative when it
	// removes some).
	Added int
}

// Free returns Allowed − Existing − Added; negative when over.
func (p PartitionCheck) Free() int { return p.Allowed - p.Existing - p.Added }

// CheckPartitions checks that existingReplicas plus addedReplicas fit the
// cluster's PartitionsPerBroker × BrokerCount. Both counts are partition
// replicas, partitions × replication factor summed over topics, because
// each replica occupies a broker. The error, a CapacityViolation, is
// returned only when the plan adds replicas and the total is over, so that
// deleting topics from an overfull cluster is never refused. When
// partitions are not checked the result says so and the error is nil.
func CheckPartitions(c Capacity, existingReplicas, addedReplicas int) (PartitionCheck, error) {
	check := PartitionCheck{NotChecked: c.NotCheckedPartitions(), Existing: existingReplicas, Added: addedReplicas}
	check.Checked = check.NotChecked == ""
	if check.Checked {
		check.Allowed, _ = c.PartitionReplicas()
		check.Explanation = fmt.Sprintf("partitions_per_broker %d × broker_count %d", c.PartitionsPerBroker, c.BrokerCount)
	}
	return check, check.violation("", "delete unused topics, or declare more partitions_per_broker or brokers")
}

// CheckEnvelopePartitions checks that a virtual cluster's partition
// replicas fit its envelope: env.Partitions per broker × brokerCount. The
// rules are CheckPartitions'; an envelope without Partitions, or an
// unknown broker count, is not checked.
func CheckEnvelopePartitions(virtualCluster string, env Envelope, brokerCount, existingReplicas, addedReplicas int) (PartitionCheck, error) {
	check := PartitionCheck{Existing: existingReplicas, Added: addedReplicas}
	switch {
	case env.Partitions == 0:
		check.NotChecked = fmt.Sprintf("partitions are not checked in virtual cluster %s: its envelope does not declare them", virtualCluster)
	case brokerCount == 0:
		check.NotChecked = fmt.Sprintf("partitions are not checked in virtual cluster %s: the broker count is not known", virtualCluster)
	default:
		check.Checked = true
		check.Allowed = env.Partitions * brokerCount
		check.Explanation = fmt.Sprintf("envelope of virtual cluster %s: %d per broker × %d brokers", virtualCluster, env.Partitions, brokerCount)
	}
	return check, check.violation(virtualCluster, "delete unused topics of this virtual cluster, or raise its envelope")
}

func (p PartitionCheck) violation(virtualCluster, fix string) error {
	if !p.Checked || p.Added <= 0 || p.Free() >= 0 {
		return nil
	}
	where := ""
	if virtualCluster != "" {
		where = " in virtual cluster " + virtualCluster
	}
	return CapacityViolation{
		Dimension:      partitionsDimension,
		VirtualCluster: virtualCluster,
		Message: fmt.Sprintf("partitions%s: %d partition replicas requested (already %d + this change %d) exceed %d allowed by %d (%s); each partition counts once per replica; %s",
			where, p.Existing+p.Added, p.Existing, p.Added, p.Allowed, -p.Free(), p.Explanation, fix),
	}
}
