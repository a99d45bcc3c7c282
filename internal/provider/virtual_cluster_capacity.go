package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// envelopeModel maps a virtual cluster's capacity envelope.
type envelopeModel struct {
	ConsumerByteRate  wholeNumber   `tfsdk:"consumer_byte_rate"`
	Partitions        wholeNumber   `tfsdk:"partitions"`
	ProducerByteRate  wholeNumber   `tfsdk:"producer_byte_rate"`
	RequestPercentage types.Float64 `tfsdk:"request_percentage"`
}

func envelopeSchema() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		MarkdownDescription: "The capacity envelope, per broker: what the virtual cluster may hand to its tenants. Its tenants' quotas must fit it, " +
			"and all virtual clusters' envelopes together must fit the provider's declared capacity (oversubscription × usable). A dimension left out is not checked.",
		Optional: true,
		Attributes: map[string]schema.Attribute{
			"consumer_byte_rate": byteRateRange.attribute("Bytes per second its tenants may fetch from each broker together."),
			"partitions":         capacityRanges["partitions_per_broker"].attribute("Partition replicas its tenants' topics may place on each broker, on average."),
			"producer_byte_rate": byteRateRange.attribute("Bytes per second its tenants may produce to each broker together."),
			"request_percentage": requestPercentageRange.attribute("Request-thread percentage its tenants may use on each broker together."),
		},
	}
}

// envelope converts the attribute; nil when none is declared.
func (m *envelopeModel) envelope() *tenancy.Envelope {
	if m == nil {
		return nil
	}
	return &tenancy.Envelope{
		ConsumerByteRate:  float64(m.ConsumerByteRate.ValueInt64()),
		Partitions:        int(m.Partitions.ValueInt64()),
		ProducerByteRate:  float64(m.ProducerByteRate.ValueInt64()),
		RequestPercentage: m.RequestPercentage.ValueFloat64(),
	}
}

func envelopeState(e *tenancy.Envelope) *envelopeModel {
	if e == nil {
		return nil
	}
	i := func(v float64) wholeNumber {
		if v == 0 {
			return wholeNumberNull()
		}
		return wholeNumberOf(v)
	}
	m := &envelopeModel{ConsumerByteRate: i(e.ConsumerByteRate), Partitions: i(float64(e.Partitions)), ProducerByteRate: i(e.ProducerByteRate),
		RequestPercentage: types.Float64Null()}
	if e.RequestPercentage != 0 {
		m.RequestPercentage = types.Float64Value(e.RequestPercentage)
	}
	return m
}

// checkEnvelope checks a virtual cluster's envelope two ways: together
// with every other virtual cluster's in in.ns, against the declared
// capacity; and against the quotas and partitions its own tenants already
// hold. replicas and brokers are the cluster's partition replicas per
// topic and broker count.
func (d *providerData) checkEnvelope(in capacityInputs, vc tenancy.VirtualCluster, replicas map[string]int, brokers int, stage checkStage, diags *diag.Diagnostics) bool {
	if vc.Envelope == nil {
		return true
	}
	ok := true
	if d.capacityDeclared {
		var others []tenancy.NamedEnvelope
		for _, other := range in.ns.VirtualClusters {
			if other.Name != vc.Name && other.Envelope != nil {
				others = append(others, tenancy.NamedEnvelope{VirtualCluster: other.Name, Envelope: *other.Envelope})
			}
		}
		report := tenancy.CheckEnvelopes(in.capacity, others, &tenancy.NamedEnvelope{VirtualCluster: vc.Name, Envelope: *vc.Envelope})
		for _, v := range report.Violations() {
			envelopeExceedsCapacity(diags, v, stage != planning)
			ok = false
		}
	}
	allocated, _ := envelopeAllocation(in, vc, replicas, brokers)
	for dim, held := range allocated {
		if limit := envelopeValue(*vc.Envelope, dim); limit > 0 && tenancy.Exceeds(held, limit) {
			envelopeBelowAllocation(diags, vc.Name, dim, limit, held)
			ok = false
		}
	}
	return ok
}

// checkEnvelopeApplying is checkEnvelope against the cluster read afresh,
// while applying.
func (r *virtualClusterResource) checkEnvelopeApplying(ctx context.Context, vc tenancy.VirtualCluster, diags *diag.Diagnostics) bool {
	if vc.Envelope == nil {
		return true
	}
	in, err := r.data.capacityInputs(ctx, true)
	if err != nil {
		r.data.clusterError(diags, "read the quotas and principals on the cluster", err)
		return false
	}
	replicas, err := r.data.client.TopicReplicas(ctx)
	if err != nil {
		r.data.clusterError(diags, "count partition replicas", err)
		return false
	}
	snap, err := r.data.snapshot(ctx)
	if err != nil {
		r.data.clusterError(diags, "read the cluster", err)
		return false
	}
	return r.data.checkEnvelope(in, vc, replicas, len(snap.Brokers()), applying, diags)
}

// envelopeAllocation returns, per declared envelope dimension, what the
// virtual cluster's tenants hold per broker and what is left.
func envelopeAllocation(in capacityInputs, vc tenancy.VirtualCluster, replicas map[string]int, brokers int) (map[string]float64, map[string]float64) {
	allocated, free := map[string]float64{}, map[string]float64{}
	if vc.Envelope == nil {
		return allocated, free
	}
	var members []string
	for _, t := range in.ns.TenantsOf(vc.Name) {
		if u := username(t.Principal); u != "" {
			members = append(members, u)
		}
	}
	report := tenancy.CheckEnvelope(vc.Name, *vc.Envelope, members, in.quotas, nil)
	for key, k := range report.Keys {
		if k.Checked {
			allocated[string(key)], free[string(key)] = k.Allocated, k.Free
		}
	}
	if vc.Envelope.Partitions > 0 {
		perBroker := float64(replicasUnder(replicas, memberPrefixes(in.ns, vc.Name))) / float64(max(1, brokers))
		allocated["partitions"], free["partitions"] = perBroker, float64(vc.Envelope.Partitions)-perBroker
	}
	return allocated, free
}

func envelopeValue(e tenancy.Envelope, dimension string) float64 {
	switch dimension {
	case string(tenancy.ProducerByteRate):
		return e.ProducerByteRate
	case string(tenancy.ConsumerByteRate):
		return e.ConsumerByteRate
	case string(tenancy.RequestPercentage):
		return e.RequestPercentage
	case "partitions":
		return float64(e.Partitions)
	}
	return 0
}
