package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/topicconfig"
)

// importedKey marks, in private state, a resource that was just imported
// and whose next Read should adopt everything the cluster reports.
const importedKey = "imported"

// topicState builds the state of a topic from the cluster's description.
// Only the config keys in tracked are reported, so keys set outside
// Terraform never show as changes; a tracked value the cluster reports in
// another spelling keeps the tracked spelling. With adoptAll, every key set
// on the topic is tracked (after import).
func topicState(ctx context.Context, d kafka.TopicDescription, tracked types.Map, adoptAll bool) topicModel {
	m := topicModel{
		ID:                types.StringValue(d.Name),
		Name:              types.StringValue(d.Name),
		Partitions:        wholeNumberValue(int64(d.Partitions)),
		ReplicationFactor: wholeNumberValue(int64(d.ReplicationFactor)),
		TopicID:           types.StringValue(d.ID),
		Config:            types.MapNull(types.StringType),
	}
	switch {
	case adoptAll:
		if len(d.DynamicConfigs) > 0 {
			m.Config = mustStringMap(d.DynamicConfigs)
		}
	case !tracked.IsNull() && !tracked.IsUnknown():
		prior, _ := stringMap(ctx, tracked)
		out := make(map[string]string, len(prior))
		for k, want := range prior {
			live, ok := d.DynamicConfigs[k]
			switch {
			case !ok:
				// Reset or deleted outside Terraform: leave it out so the
				// plan sets it again.
			case topicconfig.Equivalent(k, want, live):
				out[k] = want
			default:
				out[k] = live
			}
		}
		m.Config = mustStringMap(out)
	}
	return m
}

// stringMap converts a map attribute to a Go map; null and unknown give nil.
func stringMap(ctx context.Context, m types.Map) (map[string]string, diag.Diagnostics) {
	if m.IsNull() || m.IsUnknown() {
		return nil, nil
	}
	out := make(map[string]string, len(m.Elements()))
	diags := m.ElementsAs(ctx, &out, false)
	return out, diags
}

func mustStringMap(m map[string]string) types.Map {
	elems := make(map[string]attr.Value, len(m))
	for k, v := range m {
		elems[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, elems)
}

// configChanges returns the keys to set (new or changed in plan) and the
// keys to reset to their default (in state, gone from plan).
func configChanges(ctx context.Context, state, plan types.Map) (map[string]string, []string) {
	before, _ := stringMap(ctx, state)
	after, _ := stringMap(ctx, plan)
	set := map[string]string{}
	for k, v := range after {
		if old, ok := before[k]; !ok || old != v {
			set[k] = v
		}
	}
	var reset []string
	for k := range before {
		if _, ok := after[k]; !ok {
			reset = append(reset, k)
		}
	}
	sort.Strings(reset)
	return set, reset
}

// unionKeys returns a map holding every key of a and b, with b's values
// winning; null when both are null.
func unionKeys(ctx context.Context, a, b types.Map) types.Map {
	if (a.IsNull() || a.IsUnknown()) && (b.IsNull() || b.IsUnknown()) {
		return types.MapNull(types.StringType)
	}
	am, _ := stringMap(ctx, a)
	bm, _ := stringMap(ctx, b)
	out := make(map[string]string, len(am)+len(bm))
	for k, v := range am {
		out[k] = v
	}
	for k, v := range bm {
		out[k] = v
	}
	return mustStringMap(out)
}

// plannedSpec is the topic a plan creates; known is false while a part of
// it is unknown. A replication factor not known yet is left to the broker,
// as it is when not configured.
func plannedSpec(ctx context.Context, plan topicModel) (kafka.TopicSpec, bool) {
	if plan.Partitions.IsUnknown() || plan.Config.IsUnknown() {
		return kafka.TopicSpec{}, false
	}
	configs, diags := stringMap(ctx, plan.Config)
	if diags.HasError() {
		return kafka.TopicSpec{}, false
	}
	spec := kafka.TopicSpec{Name: plan.Name.ValueString(), Partitions: int32(plan.Partitions.ValueInt64()), ReplicationFactor: -1, Configs: configs}
	if !plan.ReplicationFactor.IsNull() && !plan.ReplicationFactor.IsUnknown() {
		spec.ReplicationFactor = int16(plan.ReplicationFactor.ValueInt64())
	}
	return spec, true
}

// adoptable reports whether an existing topic is exactly what spec would
// create: the same partitions, the same replication factor when spec sets
// one, and the same configs set on it, no more and no less. Such a topic
// is taken to be one an earlier apply created without learning it had, and
// is adopted rather than refused.
func adoptable(d kafka.TopicDescription, spec kafka.TopicSpec) bool {
	if d.Partitions != spec.Partitions || (spec.ReplicationFactor > 0 && d.ReplicationFactor != spec.ReplicationFactor) {
		return false
	}
	if len(d.DynamicConfigs) != len(spec.Configs) {
		return false
	}
	for k, want := range spec.Configs {
		got, ok := d.DynamicConfigs[k]
		if !ok || !topicconfig.Equivalent(k, want, got) {
			return false
		}
	}
	return true
}
