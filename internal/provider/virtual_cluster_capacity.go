package provider

import (
	"context"
	"strings"

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
// with every other virtual cluster's, against the declared capacity; and
// against the quotas and partitions its own tenants already hold.
func (r *virtualClusterResource) checkEnvelope(ctx context.Context, vc tenancy.VirtualCluster, ns tenancy.Namespaces, applying bool, diags *diag.Diagnostics) bool {
	if vc.Envelope == nil {
		return true
	}
	ok := true
	if r.data.capacityDeclared {
		in, err := r.data.capacityInputs(ctx, applying)
		if err != nil {
			clusterError(diags, "read the quotas and principals on the cluster", err)
			return false
		}
		var others []tenancy.NamedEnvelope
		for _, other := range ns.VirtualClusters {
			if other.Name != vc.Name && other.Envelope != nil {
				others = append(others, tenancy.NamedEnvelope{VirtualCluster: other.Name, Envelope: *other.Envelope})
			}
		}
		report := tenancy.CheckEnvelopes(in.capacity, others, &tenancy.NamedEnvelope{VirtualCluster: vc.Name, Envelope: *vc.Envelope})
		for _, v := range report.Violations() {
			envelopeExceedsCapacity(diags, v, applying)
			ok = false
		}
	}
	allocated, _, err := r.data.envelopeAllocation(ctx, vc)
	if err != nil {
		clusterError(diags, "count what the tenants of virtual cluster "+vc.Name+" hold", err)
		return false
	}
	for dim, held := range allocated {
		if limit := envelopeValue(*vc.Envelope, dim); limit > 0 && held > limit {
			envelopeBelowAllocation(diags, vc.Name, dim, limit, held)
			ok = false
		}
	}
	return ok
}

// envelopeAllocation returns, per declared envelope dimension, what the
// virtual cluster's tenants hold per broker and what is left.
func (d *providerData) envelopeAllocation(ctx context.Context, vc tenancy.VirtualCluster) (map[string]float64, map[string]float64, error) {
	allocated, free := map[string]float64{}, map[string]float64{}
	if vc.Envelope == nil {
		return allocated, free, nil
	}
	in, err := d.capacityInputs(ctx, false)
	if err != nil {
		return nil, nil, err
	}
	var members, prefixes []string
	for _, t := range in.ns.TenantsOf(vc.Name) {
		if u := username(t.Principal); u != "" {
			members = append(members, u)
		}
		prefixes = append(prefixes, t.Prefixes[tenancy.TopicNames])
	}
	report := tenancy.CheckEnvelope(vc.Name, *vc.Envelope, members, in.quotas, nil)
	for key, k := range report.Keys {
		if k.Checked {
			allocated[string(key)], free[string(key)] = k.Allocated, k.Free
		}
	}
	if vc.Envelope.Partitions > 0 {
		replicas, err := d.client.TopicReplicas(ctx)
		if err != nil {
			return nil, nil, err
		}
		brokers, err := d.client.Brokers(ctx)
		if err != nil {
			return nil, nil, err
		}
		total := 0
		for topic, n := range replicas {
			for _, p := range prefixes {
				if p != "" && strings.HasPrefix(topic, p) {
					total += n
					break
				}
			}
		}
		perBroker := float64(total) / float64(max(1, len(brokers)))
		allocated["partitions"], free["partitions"] = perBroker, float64(vc.Envelope.Partitions)-perBroker
	}
	return allocated, free, nil
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
