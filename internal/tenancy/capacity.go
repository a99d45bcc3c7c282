package tenancy

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Capacity is what the platform team declares its cluster can deliver.
// A zero field is not declared: the dimensions that need it are not
// checked, and NotChecked says so, rather than being checked against zero.
type Capacity struct {
	// Per broker.

	// DiskWriteBytesPerSecond is the sustained write bandwidth of one
	// broker's log disks.
	DiskWriteBytesPerSecond float64
	// NetworkInBytesPerSecond is one broker's inbound network bandwidth.
	NetworkInBytesPerSecond float64
	// NetworkOutBytesPerSecond is one broker's outbound network bandwidth.
	NetworkOutBytesPerSecond float64
	// IOThreads is num.io.threads on each broker.
	IOThreads int
	// NetworkThreads is num.network.threads on each broker.
	NetworkThreads int
	// PartitionsPerBroker is the most partition replicas one broker
	// should host.
	PartitionsPerBroker int

	// Cluster-wide.

	// BrokerCount is the number of brokers, declared or discovered.
	BrokerCount int
	// ReplicationFactor is the replication factor tenants' topics use.
	ReplicationFactor int
	// ControllerMutationRate is the partitions per second the active
	// controller can create or delete for all tenants together.
	ControllerMutationRate float64

	// Margins.

	// Headroom is the fraction of every usable figure kept free, from 0
	// (none) up to but excluding 1.
	Headroom float64
	// Oversubscription is how many times the usable capacity may be
	// promised in quotas, on the bet that tenants do not all peak at once.
	// 1 means none; 0 is read as 1 so that a zero Capacity is valid.
	Oversubscription float64
}

// The most each declared capacity may be. They lie far above any real
// broker (a petabyte per second, ten thousand threads) and keep every
// figure derived from them finite and well inside the range of the
// numbers that hold them: Validate refuses anything larger.
const (
	// MaxBytesPerSecond bounds the declared disk and network bandwidths
	// and every byte-rate quota: 10^15 bytes per second.
	MaxBytesPerSecond = 1_000_000_000_000_000
	// MaxThreads bounds io_threads and network_threads each.
	MaxThreads = 10_000
	// MaxRequestPercentage is the most request percentage one broker can
	// have, (MaxThreads + MaxThreads) × 100, which bounds a request
	// percentage quota or envelope before any capacity is known.
	MaxRequestPercentage = 2 * MaxThreads * 100
	// MaxPartitionsPerBroker bounds partitions_per_broker and an
	// envelope's partitions.
	MaxPartitionsPerBroker = 10_000_000
	// MaxBrokerCount bounds broker_count.
	MaxBrokerCount = 10_000
	// MaxReplicationFactor is Kafka's own limit: replication factors are
	// 16-bit integers.
	MaxReplicationFactor = math.MaxInt16
	// MaxControllerMutationRate bounds the declared controller mutation
	// rate and a controller_mutation_rate quota, in partition mutations
	// per second.
	MaxControllerMutationRate = 10_000_000
	// MaxOversubscription bounds oversubscription.
	MaxOversubscription = 100
)

// Validate reports every declared value that cannot describe a cluster,
// naming the provider attribute at fault, including values above the
// limits (MaxThreads and the others), so that every figure derived from a
// valid Capacity is finite and not negative.
func (c Capacity) Validate() error {
	var errs []error
	for _, f := range []struct {
		name       string
		value, max float64
	}{
		{"broker_count", float64(c.BrokerCount), MaxBrokerCount},
		{"controller_mutation_rate", c.ControllerMutationRate, MaxControllerMutationRate},
		{"disk_write_bytes_per_second", c.DiskWriteBytesPerSecond, MaxBytesPerSecond},
		{"io_threads", float64(c.IOThreads), MaxThreads},
		{"network_in_bytes_per_second", c.NetworkInBytesPerSecond, MaxBytesPerSecond},
		{"network_out_bytes_per_second", c.NetworkOutBytesPerSecond, MaxBytesPerSecond},
		{"network_threads", float64(c.NetworkThreads), MaxThreads},
		{"partitions_per_broker", float64(c.PartitionsPerBroker), MaxPartitionsPerBroker},
		{"replication_factor", float64(c.ReplicationFactor), MaxReplicationFactor},
	} {
		if math.IsNaN(f.value) || math.IsInf(f.value, 0) || f.value < 0 || f.value > f.max {
			errs = append(errs, fmt.Errorf("%s = %s: a declared capacity must be a number from 0 to %s (0 leaves it undeclared)", f.name, formatInput(f.value), formatNumber(f.max)))
		}
	}
	if math.IsNaN(c.Headroom) || c.Headroom < 0 || c.Headroom >= 1 {
		errs = append(errs, fmt.Errorf("headroom = %s: it is the fraction of capacity kept free, from 0 up to but excluding 1 (0.2 keeps 20%% free)", formatInput(c.Headroom)))
	}
	if math.IsNaN(c.Oversubscription) || c.Oversubscription < 0 || (c.Oversubscription > 0 && c.Oversubscription < 1) || c.Oversubscription > MaxOversubscription {
		errs = append(errs, fmt.Errorf("oversubscription = %s: it must be from 1 (promise no more than the brokers deliver) to %d; to keep capacity free, use headroom",
			formatInput(c.Oversubscription), MaxOversubscription))
	}
	if c.BrokerCount > 0 && c.ReplicationFactor > c.BrokerCount {
		errs = append(errs, fmt.Errorf("replication_factor = %d exceeds broker_count = %d: each replica of a partition needs its own broker", c.ReplicationFactor, c.BrokerCount))
	}
	if c.NotChecked(ConsumerByteRate) == "" && c.usableConsumer() <= 0 {
		errs = append(errs, fmt.Errorf("network_out_bytes_per_second = %s cannot carry the replication traffic a broker sends its followers, (%d − 1) × %s ÷ %d = %s, and leaves nothing for consumers; declare the real outbound bandwidth",
			shortByteRate(c.NetworkOutBytesPerSecond), c.ReplicationFactor, shortByteRate(c.ingest()), c.ReplicationFactor, shortByteRate(c.replicationOut())))
	}
	return errors.Join(errs...)
}

// CapacityKeys are the quota keys checked against declared capacity.
// connection_creation_rate is not among them: no declared figure bounds it.
var CapacityKeys = []QuotaKey{ProducerByteRate, ConsumerByteRate, RequestPercentage, ControllerMutationRate}

// Declared reports whether any quota key or partitions can be checked. The
// provider warns once when nothing is declared, so checks are never off
// silently.
func (c Capacity) Declared() bool {
	for _, k := range CapacityKeys {
		if c.NotChecked(k) == "" {
			return true
		}
	}
	return c.NotCheckedPartitions() == ""
}

// NotChecked returns why key is not checked against this capacity, naming
// the attributes left undeclared, or "" when it is checked.
func (c Capacity) NotChecked(key QuotaKey) string {
	var missing []string
	switch key {
	case ProducerByteRate:
		missing = c.missingIngest()
	case ConsumerByteRate:
		if c.NetworkOutBytesPerSecond == 0 {
			missing = append(missing, "network_out_bytes_per_second")
		}
		// With replication, consumers share the outbound link with the
		// followers' fetches, which are sized by the producer ingest.
		if c.ReplicationFactor != 1 {
			missing = append(missing, c.missingIngest()...)
		}
	case RequestPercentage:
		if c.IOThreads == 0 {
			missing = append(missing, "io_threads")
		}
		if c.NetworkThreads == 0 {
			missing = append(missing, "network_threads")
		}
	case ControllerMutationRate:
		if c.ControllerMutationRate == 0 {
			missing = append(missing, "controller_mutation_rate")
		}
	default:
		return fmt.Sprintf("%s is not checked: no declared capacity bounds it", key)
	}
	return notDeclared(key, missing)
}

// missingIngest lists what the producer ingest per broker needs.
func (c Capacity) missingIngest() []string {
	var missing []string
	if c.DiskWriteBytesPerSecond == 0 && c.NetworkInBytesPerSecond == 0 {
		missing = append(missing, "disk_write_bytes_per_second or network_in_bytes_per_second")
	}
	if c.ReplicationFactor == 0 {
		missing = append(missing, "replication_factor")
	}
	return missing
}

// NotCheckedPartitions returns why partitions are not checked, or "" when
// they are.
func (c Capacity) NotCheckedPartitions() string {
	var missing []string
	if c.PartitionsPerBroker == 0 {
		missing = append(missing, "partitions_per_broker")
	}
	if c.BrokerCount == 0 {
		missing = append(missing, "broker_count")
	}
	return notDeclared("partitions", missing)
}

func notDeclared(dimension any, missing []string) string {
	if len(missing) == 0 {
		return ""
	}
	return fmt.Sprintf("%s is not checked: %s not declared in the provider's capacity block", dimension, strings.Join(missing, " and "))
}

// Usable returns the capacity available to key's quotas after headroom,
// per DESIGN §3, and whether key is checked at all (see NotChecked):
//
//	producer_byte_rate per broker  = (1 − headroom) × min(disk write, network in) ÷ RF
//	consumer_byte_rate per broker  = (1 − headroom) × (network out − (RF − 1) × min(disk write, network in) ÷ RF)
//	request_percentage per broker  = (1 − headroom) × (io threads + network threads) × 100
//	controller_mutation_rate       = (1 − headroom) × declared controller mutation rate
//
// Producer bytes are divided by RF because every byte a producer sends to a
// leader is written to RF disks and received RF − 1 more times by
// followers. Consumers share a broker's outbound link with those follower
// fetches. A request percentage is percent of one thread, so a broker has
// 100 per network or I/O thread.
//
// controller_mutation_rate is one cluster-wide pool, not a per-broker
// figure: Kafka enforces it on the active controller, which handles every
// topic and partition creation and deletion (KIP-599), so quotas are summed
// against the declared rate as they are, never multiplied by brokers.
func (c Capacity) Usable(key QuotaKey) (float64, bool) {
	if c.NotChecked(key) != "" {
		return 0, false
	}
	keep := 1 - c.Headroom
	switch key {
	case ProducerByteRate:
		return keep * c.producerIn(), true
	case ConsumerByteRate:
		return c.usableConsumer(), true
	case RequestPercentage:
		return keep * float64(c.IOThreads+c.NetworkThreads) * 100, true
	case ControllerMutationRate:
		return keep * c.ControllerMutationRate, true
	}
	return 0, false
}

// Allowed returns how much of key the quotas may add up to:
// oversubscription × Usable(key). The bool is false when key is not checked.
func (c Capacity) Allowed(key QuotaKey) (float64, bool) {
	usable, ok := c.Usable(key)
	return c.oversubscription() * usable, ok
}

// BrokerLimit returns the most a single quota of key can be granted on one
// broker, whatever the oversubscription, and whether it is known. A request
// percentage is percent of one thread, so one entity can use at most every
// request thread a broker runs: (io threads + network threads) × 100,
// without headroom, which keeps capacity free for others rather than
// shrinking a broker. Other keys have no such limit here.
func (c Capacity) BrokerLimit(key QuotaKey) (float64, bool) {
	if key != RequestPercentage || c.NotChecked(RequestPercentage) != "" {
		return 0, false
	}
	return float64(c.IOThreads+c.NetworkThreads) * 100, true
}

// CheckBrokerLimits returns a violation for each per-broker value of one
// entity's quota that exceeds BrokerLimit: no oversubscription lets one
// entity use more threads than a broker has.
func (c Capacity) CheckBrokerLimits(entity Entity, values map[QuotaKey]float64) []CapacityViolation {
	var out []CapacityViolation
	for _, key := range CapacityKeys {
		v, set := values[key]
		limit, ok := c.BrokerLimit(key)
		if !set || !ok || !Exceeds(v, limit) {
			continue
		}
		out = append(out, CapacityViolation{Dimension: string(key), Message: fmt.Sprintf(
			"%s = %s for %s is more than one broker has: (io threads %d + network threads %d) × 100%% = %s. One entity cannot use more request threads "+
				"than a broker runs, whatever the oversubscription; set %s to at most %s, or declare the brokers' real thread counts",
			key, shortValue(key, v), entity, c.IOThreads, c.NetworkThreads, shortValue(key, limit), key, formatNumber(limit))})
	}
	return out
}

// PartitionReplicas returns how many partition replicas the cluster may
// host, PartitionsPerBroker × BrokerCount, and whether partitions are
// checked. Replicas are counted, not partitions, because each replica
// occupies a broker: a topic of 10 partitions at replication factor 3 uses
// 30. Neither headroom nor oversubscription applies: the per-broker figure
// is already the limit the platform team wants kept.
func (c Capacity) PartitionReplicas() (int, bool) {
	if c.NotCheckedPartitions() != "" {
		return 0, false
	}
	return c.PartitionsPerBroker * c.BrokerCount, true
}

// Explain returns the arithmetic behind Allowed(key) with the declared
// figures filled in, for error messages, such as "usable 160 MB/s ×
// oversubscription 1.0; usable = (1 − headroom 0.20) × min(disk write
// 600 MB/s, network in 1250 MB/s) ÷ replication factor 3". It returns
// NotChecked(key) when key is not checked.
func (c Capacity) Explain(key QuotaKey) string {
	if reason := c.NotChecked(key); reason != "" {
		return reason
	}
	usable, _ := c.Usable(key)
	var formula string
	switch key {
	case ProducerByteRate:
		formula = fmt.Sprintf("%s ÷ replication factor %d", c.explainIngest(), c.ReplicationFactor)
	case ConsumerByteRate:
		formula = fmt.Sprintf("(network out %s − (%d − 1) × %s ÷ %d)", shortByteRate(c.NetworkOutBytesPerSecond), c.ReplicationFactor, c.explainIngest(), c.ReplicationFactor)
	case RequestPercentage:
		formula = fmt.Sprintf("(io threads %d + network threads %d) × 100%%", c.IOThreads, c.NetworkThreads)
	case ControllerMutationRate:
		formula = fmt.Sprintf("controller mutation rate %s, one pool on the active controller", shortValue(key, c.ControllerMutationRate))
	}
	return fmt.Sprintf("usable %s × oversubscription %s; usable = (1 − headroom %s) × %s",
		shortValue(key, usable), formatRatio(c.oversubscription(), 1), formatRatio(c.Headroom, 2), formula)
}

// ingest is the bytes per second one broker can take in, leader and
// follower traffic together: the lesser of what its disks can write and
// its network can receive, among those declared.
func (c Capacity) ingest() float64 {
	switch {
	case c.DiskWriteBytesPerSecond == 0:
		return c.NetworkInBytesPerSecond
	case c.NetworkInBytesPerSecond == 0:
		return c.DiskWriteBytesPerSecond
	}
	return math.Min(c.DiskWriteBytesPerSecond, c.NetworkInBytesPerSecond)
}

// producerIn is the share of ingest left for producers once followers'
// copies are written: ingest ÷ RF.
func (c Capacity) producerIn() float64 {
	return c.ingest() / float64(c.ReplicationFactor)
}

func (c Capacity) explainIngest() string {
	switch {
	case c.DiskWriteBytesPerSecond == 0:
		return "network in " + shortByteRate(c.NetworkInBytesPerSecond)
	case c.NetworkInBytesPerSecond == 0:
		return "disk write " + shortByteRate(c.DiskWriteBytesPerSecond)
	}
	return fmt.Sprintf("min(disk write %s, network in %s)", shortByteRate(c.DiskWriteBytesPerSecond), shortByteRate(c.NetworkInBytesPerSecond))
}

// replicationOut is what one broker sends its followers per second when
// producers use all of producerIn.
func (c Capacity) replicationOut() float64 {
	if c.ReplicationFactor <= 1 {
		return 0
	}
	return float64(c.ReplicationFactor-1) * c.producerIn()
}

func (c Capacity) usableConsumer() float64 {
	return (1 - c.Headroom) * (c.NetworkOutBytesPerSecond - c.replicationOut())
}

func (c Capacity) oversubscription() float64 {
	if c.Oversubscription == 0 {
		return 1
	}
	return c.Oversubscription
}

// PerBrokerFromClusterRate converts a cluster-wide rate into the per-broker
// quota Kafka needs, the way managed Kafka services hide brokers: Kafka
// enforces a quota on each broker separately, so a tenant whose partitions
// are led by leaderBrokers brokers gets rate ÷ leaderBrokers on each. The
// caller recomputes it when that set of brokers changes, and rounds it
// down (math.Floor) for the keys Kafka stores as whole numbers (see
// IsIntegral), so that the brokers together never allow more than rate.
func PerBrokerFromClusterRate(rate float64, leaderBrokers int) (float64, error) {
	if leaderBrokers <= 0 {
		return 0, fmt.Errorf("cannot spread a cluster-wide rate of %s over %d brokers: the tenant has no partitions with a leader yet; create its topics first, or give a per-broker quota", formatNumber(rate), leaderBrokers)
	}
	if math.IsNaN(rate) || math.IsInf(rate, 0) || rate <= 0 {
		return 0, fmt.Errorf("cluster-wide rate %v must be a number greater than 0", rate)
	}
	return rate / float64(leaderBrokers), nil
}
