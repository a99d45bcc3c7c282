package provider

import (
	"context"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// checkTenancy enforces a topic's place in the tenancy model: a topic of a
// tenant lies inside the tenant's topic prefix and within its budgets, and
// a topic inside some tenant's prefix names that tenant. At plan (applying
// is false) a tenant missing from the registry may be created by the same
// apply, so its checks wait for apply. At apply the process's registry
// snapshot already holds the tenants this apply registered; it is read
// again only when the tenant is missing from it, so that creating many
// topics does not cost a registry read each.
func (r *topicResource) checkTenancy(ctx context.Context, plan topicModel, applying bool, diags *diag.Diagnostics) bool {
	if plan.Name.IsUnknown() || plan.Tenant.IsUnknown() {
		return true
	}
	name, tenantName := plan.Name.ValueString(), plan.Tenant.ValueString()
	ns, _, err := r.data.loadNamespaces(ctx, false)
	if _, known := ns.Tenants[tenantName]; err == nil && applying && tenantName != "" && !known {
		ns, _, err = r.data.loadNamespaces(ctx, true)
	}
	if err != nil {
		clusterError(diags, "read the registry", err)
		return false
	}
	if tenantName == "" {
		if owner, ok := ns.TenantOwning(tenancy.TopicNames, name); ok {
			topicInsideTenant(diags, name, owner)
			return false
		}
		return true
	}
	t, ok := ns.Tenants[tenantName]
	if !ok {
		if applying {
			topicTenantNotFound(diags, name, tenantName)
			return false
		}
		return true
	}
	if prefix := t.Prefixes[tenancy.TopicNames]; !strings.HasPrefix(name, prefix) {
		topicOutsideTenant(diags, name, t)
		return false
	}
	violations, err := r.budgetViolations(ctx, plan, t)
	if err != nil {
		clusterError(diags, "count the topics of tenant "+strconv.Quote(tenantName), err)
		return false
	}
	for _, v := range violations {
		budgetExceeded(diags, name, t, v)
	}
	return len(violations) == 0
}

// verifyBudgets re-checks a created topic's tenant budgets against the
// cluster as it is now, reporting any violation.
func (r *topicResource) verifyBudgets(ctx context.Context, plan topicModel, diags *diag.Diagnostics) bool {
	tenantName := plan.Tenant.ValueString()
	if tenantName == "" {
		return true
	}
	ns, _, err := r.data.loadNamespaces(ctx, false)
	if err != nil {
		clusterError(diags, "read the registry", err)
		return false
	}
	t, ok := ns.Tenants[tenantName]
	if !ok || t.Budgets == (tenancy.Budgets{}) {
		return true
	}
	violations, err := r.budgetViolations(ctx, plan, t)
	if err != nil {
		clusterError(diags, "count the topics of tenant "+strconv.Quote(tenantName), err)
		return false
	}
	for _, v := range violations {
		budgetExceededConcurrently(diags, plan.Name.ValueString(), t, v)
	}
	return len(violations) == 0
}

// budgetViolations checks the planned topic against its tenant's budgets,
// counting every other topic under the tenant's prefix on the cluster.
func (r *topicResource) budgetViolations(ctx context.Context, plan topicModel, t tenancy.Tenant) ([]tenancy.BudgetViolation, error) {
	if t.Budgets == (tenancy.Budgets{}) || plan.Partitions.IsUnknown() || plan.Config.IsUnknown() {
		return nil, nil
	}
	all, err := r.data.client.ListTopics(ctx)
	if err != nil {
		return nil, err
	}
	name := plan.Name.ValueString()
	var others []tenancy.TopicUsage
	for _, other := range namesWithPrefix(all, t.Prefixes[tenancy.TopicNames]) {
		if other == name {
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
	configs, _ := stringMap(ctx, plan.Config)
	planned := tenancy.TopicUsage{Name: name, Partitions: plan.Partitions.ValueInt64(), RetentionBytes: retentionBytes(configs["retention.bytes"])}
	return t.Budgets.CheckBudgets(others, planned), nil
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
func (r *topicResource) owningTenant(ctx context.Context, name string) types.String {
	ns, _, err := r.data.loadNamespaces(ctx, false)
	if err != nil {
		return types.StringNull()
	}
	if t, ok := ns.TenantOwning(tenancy.TopicNames, name); ok {
		return types.StringValue(t.Name)
	}
	return types.StringNull()
}
