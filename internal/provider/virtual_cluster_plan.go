package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// ModifyPlan fills the virtual cluster's defaults and client properties,
// and refuses a prefix that overlaps another claim, shared topics that are
// internal, inside the prefix or missing, and an envelope the brokers or
// its tenants' holdings do not allow, counting what other workspaces
// registered and what this plan proposes before it.
func (r *virtualClusterResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	ctx, end := r.data.begin(ctx)
	defer end()
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, state virtualClusterModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	creating := req.State.Raw.IsNull()
	if !creating {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() || plan.Name.IsUnknown() {
		return
	}
	if plan.Prefix.IsUnknown() {
		var config virtualClusterModel
		resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
		if config.Prefix.IsNull() {
			plan.Prefix = types.StringValue(tenancy.DefaultPrefix("", plan.Name.ValueString()))
		}
	}
	plan.ID = plan.Name
	plan.Registered = types.BoolValue(true)
	if !creating && state.Registered.IsNull() {
		plan.Registered = state.Registered
	}
	defer func() { resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...) }()
	if r.data == nil {
		return
	}
	if !plan.BootstrapServers.IsUnknown() {
		plan.ClientProperties = clientProperties(r.data.connection, listOfStrings(ctx, plan.BootstrapServers), r.data.connectionMechanism())
	}
	if r.data.destroying {
		return
	}
	if !r.data.canReachCluster() {
		deferredChecksWarning(&resp.Diagnostics)
		return
	}
	if !creating && req.Plan.Raw.Equal(req.State.Raw) && !r.data.client.SnapshotLoaded() {
		return
	}
	if plan.Prefix.IsUnknown() || plan.SharedTopics.IsUnknown() {
		return
	}
	vc := virtualClusterSpec(ctx, plan)
	if !creating {
		// Allocation is refreshed by Read; the plan keeps what state has.
		if vc.Envelope.Equal(state.Capacity.envelope()) {
			plan.Allocated, plan.Free = state.Allocated, state.Free
		}
		before := virtualClusterSpec(ctx, state)
		if vc.Prefix == before.Prefix && slices.Equal(vc.SharedTopics, before.SharedTopics) && vc.Envelope.Equal(before.Envelope) {
			return
		}
	}
	r.planRules(ctx, vc, &resp.Diagnostics)
}

// planRules checks a new or changed virtual cluster against the registry,
// the cluster and the plan, and records it in the ledger.
func (r *virtualClusterResource) planRules(ctx context.Context, vc tenancy.VirtualCluster, diags *diag.Diagnostics) {
	view, err := r.data.registryView(ctx, false)
	if err != nil {
		r.data.clusterError(diags, "read the registry", err)
		return
	}
	r.data.warnSkippedRecords(view, diags)
	snap, err := r.data.snapshot(ctx)
	if err != nil {
		r.data.clusterError(diags, "read the cluster", err)
		return
	}
	in, err := r.data.capacityInputs(ctx, false)
	if err != nil {
		r.data.clusterError(diags, "read the quotas and principals on the cluster", err)
		return
	}
	registryTopic := r.data.client.RegistryTopic()
	var missing []string
	r.data.ledger.RecordVirtualCluster(vc, func(lv tenancy.LedgerView) {
		merged := view.ns.With(lv.Namespaces)
		against := merged.Without(kindVirtualCluster, vc.Name)
		if merged.Registered(kindVirtualCluster, vc.Name) {
			against = merged.Before(kindVirtualCluster, vc.Name)
		}
		violations := against.CheckVirtualCluster(vc, registryTopic)
		namespaceViolations(diags, "virtual cluster", vc.Name, violations, false)
		if len(violations) == 0 {
			missing = missingSharedTopics(snap, lv, vc.SharedTopics)
		}
		planned := r.data.withPlan(in, lv)
		r.data.checkEnvelope(planned, vc, plannedReplicas(snap, lv), len(snap.Brokers()), planning, diags)
	})
	if len(missing) > 0 {
		// The topic may be planned later in this same plan.
		r.data.ledger.Settle(ctx, settleQuiet, settleLimit)
		r.data.ledger.View(func(lv tenancy.LedgerView) { missing = missingSharedTopics(snap, lv, missing) })
		for _, topic := range missing {
			sharedTopicMissing(diags, topic, false)
		}
	}
}

// missingSharedTopics returns the topics neither on the cluster nor
// created by the plan.
func missingSharedTopics(snap *kafka.Snapshot, lv tenancy.LedgerView, topics []string) []string {
	var out []string
	for _, topic := range topics {
		planned, ok := lv.Topics[topic]
		if (ok && !planned.Destroy) || (!ok && snap.HasTopic(topic)) {
			continue
		}
		out = append(out, topic)
	}
	return out
}

// sharedTopicsExist reports, while applying, shared topics missing from
// the cluster as errors.
func (r *virtualClusterResource) sharedTopicsExist(ctx context.Context, topics []string, diags *diag.Diagnostics) bool {
	if len(topics) == 0 {
		return true
	}
	all, err := r.data.client.ListTopics(ctx)
	if err != nil {
		r.data.clusterError(diags, "check the shared topics", err)
		return false
	}
	ok := true
	for _, topic := range topics {
		if _, found := all[topic]; !found {
			sharedTopicMissing(diags, topic, true)
			ok = false
		}
	}
	return ok
}
