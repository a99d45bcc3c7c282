package tenancy

import (
	"math"
	"testing"
)

// FuzzParseEntity feeds quota entity strings, as written in configuration
// and in kafkatenant_quota import IDs, to ParseEntity. It must never panic,
// and an entity it accepts must print as a string that parses back to the
// same entity: the canonical form used as the resource ID.
func FuzzParseEntity(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseEntity(s)
		if err != nil {
			return
		}
		_ = e.Validate()
		_ = e.Level()
		canonical := e.String()
		again, err := ParseEntity(canonical)
		if err != nil {
			t.Fatalf("ParseEntity(%q) gave %v, whose string %q does not parse: %v", s, e, canonical, err)
		}
		if again.String() != canonical {
			t.Fatalf("ParseEntity(%q) = %q, which reads back as %q", s, canonical, again.String())
		}
	})
}

// FuzzCapacity declares arbitrary capacities. Whatever Validate accepts must
// give finite, non-negative figures for every quota key and for partition
// replicas: no sum of threads or product of partitions may overflow, and no
// formula may go negative or divide by zero.
func FuzzCapacity(f *testing.F) {
	f.Fuzz(func(t *testing.T, disk, in, out float64, io, network, perBroker, brokers, rf int64, mutations, headroom, oversubscription float64) {
		c := Capacity{
			DiskWriteBytesPerSecond: disk, NetworkInBytesPerSecond: in, NetworkOutBytesPerSecond: out,
			IOThreads: int(io), NetworkThreads: int(network), PartitionsPerBroker: int(perBroker), BrokerCount: int(brokers), ReplicationFactor: int(rf),
			ControllerMutationRate: mutations, Headroom: headroom, Oversubscription: oversubscription,
		}
		if c.Validate() != nil {
			return
		}
		finite := func(what string, v float64) {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				t.Fatalf("%s = %v for valid capacity %+v", what, v, c)
			}
		}
		for _, key := range CapacityKeys {
			usable, _ := c.Usable(key)
			allowed, _ := c.Allowed(key)
			limit, _ := c.BrokerLimit(key)
			finite("Usable("+string(key)+")", usable)
			finite("Allowed("+string(key)+")", allowed)
			finite("BrokerLimit("+string(key)+")", limit)
			finite("RoundFigure("+string(key)+")", RoundFigure(string(key), allowed))
			if allowed < usable {
				t.Fatalf("Allowed(%s) = %v is below Usable = %v for %+v", key, allowed, usable, c)
			}
			if c.Explain(key) == "" {
				t.Fatalf("Explain(%s) is empty for %+v", key, c)
			}
		}
		replicas, ok := c.PartitionReplicas()
		if replicas < 0 || (ok && replicas < c.PartitionsPerBroker) {
			t.Fatalf("PartitionReplicas() = %d for %+v", replicas, c)
		}
	})
}
