package provider

import (
	"math"
	"testing"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// shareInputs is a cluster with virtual cluster vc (80 MB/s of producer
// traffic) holding tenants a and b, which share it, and c, which does not,
// plus a SCRAM user d outside any tenant.
func shareInputs(quotas ...tenancy.Quota) capacityInputs {
	ns := tenancy.NewNamespaces()
	ns.VirtualClusters["vc"] = tenancy.VirtualCluster{Name: "vc", Prefix: "vc.", Envelope: &tenancy.Envelope{ProducerByteRate: 80e6}}
	for _, t := range []string{"a", "b", "c"} {
		ns.Tenants[t] = tenancy.Tenant{Name: t, VirtualCluster: "vc", Principal: "User:vc." + t}
	}
	return capacityInputs{
		capacity:   tenancy.Capacity{DiskWriteBytesPerSecond: 300e6, ReplicationFactor: 3},
		quotas:     quotas,
		principals: []string{"d", "vc.a", "vc.b", "vc.c"},
		ns:         ns,
	}
}

func producerQuota(e tenancy.Entity, v float64) tenancy.Quota {
	return tenancy.Quota{Entity: e.Canonical(), Values: map[tenancy.QuotaKey]float64{tenancy.ProducerByteRate: v}}
}

// What the share may hand out is the scope's limit less what every quota
// outside it holds, counted as the capacity checks count them; the shared
// tenants' own quotas, about to be replaced, hold nothing, and a <default>
// user quota counts no bucket for them, as they will have quotas of their
// own.
func TestFairShareScope_heldElsewhere(t *testing.T) {
	quotas := []tenancy.Quota{
		producerQuota(tenancy.Entity{tenancy.User("vc.a")}, 50e6),                         // replaced by the share
		producerQuota(tenancy.Entity{tenancy.User("vc.a"), tenancy.ClientID("etl")}, 1e6), // a carve-out stays
		producerQuota(tenancy.Entity{tenancy.User("vc.c")}, 4e6),                          // another tenant
		producerQuota(tenancy.Entity{tenancy.DefaultUser()}, 2e6),                         // b and d fall through to it today
	}
	users := map[string]string{"a": "vc.a", "b": "vc.b"}
	keys := []tenancy.QuotaKey{tenancy.ProducerByteRate}
	d := &fairShareDataSource{data: &providerData{capacityDeclared: true}}

	in := shareInputs(quotas...)
	vc := d.scopeOf(in, "vc", in.ns.VirtualClusters["vc"].Envelope, keys, users)
	if l := vc.limits[tenancy.ProducerByteRate]; l.limit != 80e6 || l.held != 5e6 || vc.id != "virtual_cluster/vc" {
		t.Errorf("virtual cluster: limit %v, held %v (%v), want 80 MB/s and 5 MB/s: the carve-out and c's quota", l.limit, l.held, l.holders)
	}

	cluster := d.scopeOf(in, "", nil, keys, users)
	l := cluster.limits[tenancy.ProducerByteRate]
	// Usable 300 MB/s ÷ 3; held: the carve-out, c, and d's <default> bucket.
	if math.Abs(l.limit-100e6) > 1 || l.held != 7e6 || cluster.id != "cluster" {
		t.Errorf("cluster: limit %v, held %v (%v), want 100 MB/s and 7 MB/s", l.limit, l.held, l.holders)
	}
}

func TestFairShareScope_setDemand(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	s := &fairShare{users: map[string]string{"a": "vc.a", "b": "vc.b"}}
	s.req.Tenants = []tenancy.ShareTenant{{Name: "a"}, {Name: "b"}}
	s.setDemand(map[string][]tenancy.Observation{
		"vc.a": {
			{Broker: "1", ProduceBytesPerSecond: f(3e6), FetchBytesPerSecond: f(1e6), ProduceThrottleMs: f(0)},
			{Broker: "2", ProduceBytesPerSecond: f(5e6), RequestTimePercent: f(7), RequestThrottleMs: f(12)},
		},
	})
	a, b := s.req.Tenants[0], s.req.Tenants[1]
	if a.Demand[tenancy.ProducerByteRate] != 5e6 || a.Demand[tenancy.ConsumerByteRate] != 1e6 || a.Demand[tenancy.RequestPercentage] != 7 {
		t.Errorf("a's demand is the busiest broker's per key: %v", a.Demand)
	}
	if a.Throttled[tenancy.ProducerByteRate] || !a.Throttled[tenancy.RequestPercentage] {
		t.Errorf("a is throttled on requests only: %v", a.Throttled)
	}
	if len(b.Demand) != 0 || b.Demand == nil {
		t.Errorf("b has no series: no demand observed (an empty map), got %v", b.Demand)
	}
}
