package provider

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// How long a check that failed because of objects whose fate the plan may
// still decide waits for Terraform to plan them: until the ledger has been
// quiet for settleQuiet, at most settleLimit.
const (
	settleQuiet = time.Second
	settleLimit = 15 * time.Second
)

// plannedTopic is the ledger entry of a topic plan.
func plannedTopic(ctx context.Context, plan topicModel, state *topicModel) tenancy.PlannedTopic {
	configs, _ := stringMap(ctx, plan.Config)
	rf := plan.ReplicationFactor.ValueInt64()
	if (plan.ReplicationFactor.IsNull() || plan.ReplicationFactor.IsUnknown()) && state != nil {
		rf = state.ReplicationFactor.ValueInt64()
	}
	return tenancy.PlannedTopic{
		Name: plan.Name.ValueString(), Tenant: plan.Tenant.ValueString(), Partitions: plan.Partitions.ValueInt64(),
		ReplicationFactor: rf, RetentionBytes: retentionBytes(configs["retention.bytes"]),
	}
}

// planTopic checks a topic plan against its tenant's namespace and
// budgets and against the partition capacity, counting the cluster as the
// snapshot holds it and every topic and tenant planned before it, and
// records it in the ledger. It reports whether the topic passed; a failure
// that the plan's later destroys could lift (budgets, partitions) is
// checked once more after the plan has settled.
func (r *topicResource) planTopic(ctx context.Context, plan topicModel, state *topicModel, checkTenancy, checkPartitions bool, diags *diag.Diagnostics) {
	snap, err := r.data.snapshot(ctx)
	if err != nil {
		r.data.clusterError(diags, "read the cluster", err)
		return
	}
	registry, err := r.data.namespaces(ctx, false)
	if err != nil {
		r.data.clusterError(diags, "read the registry", err)
		return
	}
	entry := plannedTopic(ctx, plan, state)
	attempt := func() (diag.Diagnostics, bool) {
		var out diag.Diagnostics
		settleable := false
		r.data.ledger.RecordTopic(entry, func(view tenancy.LedgerView) {
			ns := registry.With(view.Namespaces)
			if checkTenancy {
				settleable = r.checkNamespace(ctx, snap, ns, view, entry, false, &out) || settleable
			}
			if checkPartitions && !plan.Partitions.IsUnknown() {
				settleable = r.checkPartitions(snap, ns, view, entry, &out) || settleable
			}
		})
		return out, settleable
	}
	// A topic this plan destroys, not planned yet, may make room.
	diags.Append(r.data.settled(ctx, attempt)...)
}

// settled runs check and, when it fails in a way that resources the plan
// or apply has not reached yet may lift (a topic or quota destroyed later
// in it), waits until Terraform has settled and runs it once more. check
// reports its diagnostics and whether a failure is of that kind.
func (d *providerData) settled(ctx context.Context, check func() (diag.Diagnostics, bool)) diag.Diagnostics {
	out, retry := check()
	if out.HasError() && retry {
		d.ledger.Settle(ctx, settleQuiet, settleLimit)
		out, _ = check()
	}
	return out
}

// checkNamespace enforces a topic's place in the tenancy model: a topic of
// a tenant lies inside the tenant's topic prefix and within its budgets,
// and a topic inside some tenant's prefix names that tenant. At plan time
// a tenant unknown to the registry and the plan may be created elsewhere
// before the apply, which checks again. It reports whether a budget
// failed, which the plan's destroys might lift.
func (r *topicResource) checkNamespace(ctx context.Context, snap *kafka.Snapshot, ns tenancy.Namespaces, view tenancy.LedgerView, entry tenancy.PlannedTopic, applying bool, diags *diag.Diagnostics) bool {
	if entry.Tenant == "" {
		if owner, ok := ns.TenantOwning(tenancy.TopicNames, entry.Name); ok {
			topicInsideTenant(diags, entry.Name, owner)
		}
		return false
	}
	t, ok := ns.Tenants[entry.Tenant]
	if !ok {
		if applying {
			topicTenantNotFound(diags, entry.Name, entry.Tenant)
		}
		return false
	}
	if prefix := t.Prefixes[tenancy.TopicNames]; !strings.HasPrefix(entry.Name, prefix) {
		topicOutsideTenant(diags, entry.Name, t)
		return false
	}
	if t.Budgets == (tenancy.Budgets{}) {
		return false
	}
	others, err := snapshotTopicUsage(ctx, snap, t.Prefixes[tenancy.TopicNames], entry.Name, t.Budgets.MaxRetentionBytes > 0)
	if err != nil {
		r.data.clusterError(diags, "count the topics of tenant "+strconv.Quote(t.Name), err)
		return false
	}
	for name, pt := range view.Topics {
		switch {
		case name == entry.Name:
		case pt.Destroy:
			delete(others, name)
		case strings.HasPrefix(name, t.Prefixes[tenancy.TopicNames]):
			others[name] = tenancy.TopicUsage{Name: name, Partitions: pt.Partitions, RetentionBytes: pt.RetentionBytes}
		}
	}
	violations := t.Budgets.CheckBudgets(usageList(others), tenancy.TopicUsage{Name: entry.Name, Partitions: entry.Partitions, RetentionBytes: entry.RetentionBytes})
	for _, v := range violations {
		budgetExceeded(diags, entry.Name, t, v)
	}
	return len(violations) > 0
}

// snapshotTopicUsage returns what the topics under a tenant's topic prefix
// use of its budgets, the named topic left out. Their retention.bytes is
// read only with retention (the snapshot may have to fetch configs for it
// on a very large cluster); without, every topic counts as unlimited.
func snapshotTopicUsage(ctx context.Context, snap *kafka.Snapshot, prefix, except string, retention bool) (map[string]tenancy.TopicUsage, error) {
	out := map[string]tenancy.TopicUsage{}
	partitions := snap.TopicPartitions()
	for _, name := range snap.TopicsWithPrefix(prefix) {
		if name == except {
			continue
		}
		u := tenancy.TopicUsage{Name: name, Partitions: int64(partitions[name]), RetentionBytes: -1}
		if retention {
			d, _, err := snap.Topic(ctx, name)
			if err != nil {
				return nil, err
			}
			u.RetentionBytes = retentionBytes(d.DynamicConfigs["retention.bytes"])
		}
		out[name] = u
	}
	return out, nil
}

func usageList(m map[string]tenancy.TopicUsage) []tenancy.TopicUsage {
	out := make([]tenancy.TopicUsage, 0, len(m))
	for _, u := range m {
		out = append(out, u)
	}
	return out
}

// checkTenancyApplying re-checks, while applying, a topic's namespace and
// budgets against the cluster as it is now, so that topics another
// workspace created since the plan count. A budget that fails only because
// of topics this apply is deleting is checked again once they are gone.
func (r *topicResource) checkTenancyApplying(ctx context.Context, plan topicModel, diags *diag.Diagnostics) bool {
	if plan.Name.IsUnknown() || plan.Tenant.IsUnknown() {
		return true
	}
	entry := plannedTopic(ctx, plan, nil)
	ns, err := r.data.namespaces(ctx, false)
	if _, known := ns.Tenants[entry.Tenant]; err == nil && entry.Tenant != "" && !known {
		ns, err = r.data.namespaces(ctx, true)
	}
	if err != nil {
		r.data.clusterError(diags, "read the registry", err)
		return false
	}
	out := r.data.settled(ctx, func() (diag.Diagnostics, bool) {
		var out diag.Diagnostics
		budget := r.checkNamespaceFresh(ctx, ns, entry, &out)
		return out, budget
	})
	diags.Append(out...)
	return !out.HasError()
}

// checkNamespaceFresh is checkNamespace against topics read afresh.
func (r *topicResource) checkNamespaceFresh(ctx context.Context, ns tenancy.Namespaces, entry tenancy.PlannedTopic, diags *diag.Diagnostics) bool {
	t, ok := ns.Tenants[entry.Tenant]
	if entry.Tenant == "" || !ok || t.Budgets == (tenancy.Budgets{}) {
		return r.checkNamespace(ctx, nil, ns, tenancy.LedgerView{}, entry, true, diags)
	}
	if prefix := t.Prefixes[tenancy.TopicNames]; !strings.HasPrefix(entry.Name, prefix) {
		topicOutsideTenant(diags, entry.Name, t)
		return false
	}
	violations, err := r.freshBudgetViolations(ctx, entry, t)
	if err != nil {
		r.data.clusterError(diags, "count the topics of tenant "+strconv.Quote(t.Name), err)
		return false
	}
	for _, v := range violations {
		budgetExceeded(diags, entry.Name, t, v)
	}
	return len(violations) > 0
}

// verifyBudgets re-checks a created topic's tenant budgets against the
// cluster as it is now, reporting any violation.
func (r *topicResource) verifyBudgets(ctx context.Context, plan topicModel, diags *diag.Diagnostics) bool {
	tenantName := plan.Tenant.ValueString()
	if tenantName == "" {
		return true
	}
	ns, err := r.data.namespaces(ctx, false)
	if err != nil {
		r.data.clusterError(diags, "read the registry", err)
		return false
	}
	t, ok := ns.Tenants[tenantName]
	if !ok || t.Budgets == (tenancy.Budgets{}) {
		return true
	}
	violations, err := r.freshBudgetViolations(ctx, plannedTopic(ctx, plan, nil), t)
	if err != nil {
		r.data.clusterError(diags, "count the topics of tenant "+strconv.Quote(tenantName), err)
		return false
	}
	for _, v := range violations {
		budgetExceededConcurrently(diags, plan.Name.ValueString(), t, v)
	}
	return len(violations) == 0
}

// freshBudgetViolations checks the topic against its tenant's budgets,
// counting every other topic under the tenant's prefix on the cluster,
// read afresh (the read is shared with the other topics being applied).
func (r *topicResource) freshBudgetViolations(ctx context.Context, entry tenancy.PlannedTopic, t tenancy.Tenant) ([]tenancy.BudgetViolation, error) {
	all, err := r.data.client.ListTopics(ctx)
	if err != nil {
		return nil, err
	}
	var others []tenancy.TopicUsage
	for _, other := range namesWithPrefix(all, t.Prefixes[tenancy.TopicNames]) {
		if other == entry.Name {
			continue
		}
		u := tenancy.TopicUsage{Name: other, Partitions: int64(all[other]), RetentionBytes: -1}
		if t.Budgets.MaxRetentionBytes > 0 {
			d, err := r.data.client.DescribeTopic(ctx, other)
			if err != nil {
				return nil, err
			}
			u.RetentionBytes = retentionBytes(d.DynamicConfigs["retention.bytes"])
		}
		others = append(others, u)
	}
	return t.Budgets.CheckBudgets(others, tenancy.TopicUsage{Name: entry.Name, Partitions: entry.Partitions, RetentionBytes: entry.RetentionBytes}), nil
}

// retentionBytes reads a retention.bytes value; unset or unparseable is
// unlimited (-1).
func retentionBytes(v string) int64 {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// tenancyChanged reports whether an update touches what the tenancy checks
// look at: the tenant, the partition count or retention.bytes.
func tenancyChanged(ctx context.Context, state, plan topicModel) bool {
	if !plan.Tenant.Equal(state.Tenant) || !plan.Partitions.Equal(state.Partitions) {
		return true
	}
	before, _ := stringMap(ctx, state.Config)
	after, _ := stringMap(ctx, plan.Config)
	return before["retention.bytes"] != after["retention.bytes"]
}

// owningTenant names the tenant whose prefix covers an imported topic.
func owningTenant(ns tenancy.Namespaces, name string) types.String {
	if t, ok := ns.TenantOwning(tenancy.TopicNames, name); ok {
		return types.StringValue(t.Name)
	}
	return types.StringNull()
}
