package provider

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// ModifyPlan fills the tenant's defaults (principal, prefixes), computes
// the ACL bindings it should hold and its client properties, and refuses a
// namespace that breaks isolation, counting tenants registered by other
// workspaces. Whatever depends on a virtual cluster created in this same
// apply stays unknown and is checked again when applying.
func (r *tenantResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, config tenantModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || plan.Name.IsUnknown() || plan.VirtualCluster.IsUnknown() {
		return
	}
	name, vcName := plan.Name.ValueString(), plan.VirtualCluster.ValueString()
	plan.ID = plan.Name
	if config.Principal.IsNull() {
		plan.Principal = types.StringValue(tenancy.DefaultPrincipal(vcName, name))
	}
	if !plan.Principal.IsUnknown() {
		plan.Username = types.StringValue(username(plan.Principal.ValueString()))
		if plan.Credentials != nil && plan.Username.ValueString() == "" {
			credentialsNeedUser(&resp.Diagnostics, plan.Principal.ValueString())
		}
	}
	if plan.Credentials != nil && r.data != nil && r.data.connectionMechanism() == kafka.MechanismAWSMSKIAM {
		scramCredentialsOnIAM(&resp.Diagnostics, name)
	}
	defer func() { resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...) }()

	vc, vcKnown := tenancy.VirtualCluster{}, vcName == ""
	var ns tenancy.Namespaces
	if r.data.canReachCluster() {
		var err error
		ns, _, err = r.data.loadNamespaces(ctx, false)
		if err != nil {
			clusterError(&resp.Diagnostics, "read the registry", err)
			return
		}
		if found, ok := ns.VirtualClusters[vcName]; ok {
			vc, vcKnown = found, true
		}
	} else if r.data != nil {
		deferredChecksWarning(&resp.Diagnostics)
	}
	for _, p := range []*types.String{&plan.TopicPrefix, &plan.GroupPrefix, &plan.TransactionalIDPrefix} {
		if p.IsUnknown() && vcKnown {
			*p = types.StringValue(tenancy.DefaultPrefix(vc.Prefix, name))
		}
	}
	if !vcKnown || plan.Principal.IsUnknown() || r.data == nil {
		plan.ClientProperties = types.MapUnknown(types.StringType)
		plan.ACLBindings = types.ListUnknown(aclBindingType)
		return
	}
	plan.ClientProperties = r.clientProperties(plan, vc)
	if !r.data.canReachCluster() || !prefixesKnown(plan) {
		plan.ACLBindings = types.ListUnknown(aclBindingType)
		return
	}
	t, _ := tenantSpec(plan, ns)
	want, err := r.expectedACLs(ctx, t, vc)
	if err != nil {
		clusterError(&resp.Diagnostics, "ask the brokers which ACLs idempotent producers need", err)
		return
	}
	plan.ACLBindings = aclList(ctx, want)
	if !req.State.Raw.IsNull() {
		var state tenantModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if kept, err := r.keepSatisfiedBindings(ctx, t.Principal, want, state.ACLBindings); err != nil {
			clusterError(&resp.Diagnostics, "read the ACLs of tenant "+strconv.Quote(name), err)
		} else if kept {
			plan.ACLBindings = state.ACLBindings
		}
	}
	violations := without(ns, kindTenant, name).CheckTenant(t, r.data.client.RegistryTopic(), false)
	namespaceViolations(&resp.Diagnostics, "tenant", name, violations, false)
	if req.State.Raw.IsNull() && r.data.capacityDeclared {
		r.warnUnbounded(ctx, t, &resp.Diagnostics)
	}
}

// warnUnbounded warns when nothing on the cluster bounds a new tenant's
// traffic. It is a warning, not an error: the quota that bounds a tenant is
// normally planned in the same run, and Terraform plans each resource
// without seeing the others. The capacity data source and every quota plan
// keep reporting the tenant until a quota covers it.
func (r *tenantResource) warnUnbounded(ctx context.Context, t tenancy.Tenant, diags *diag.Diagnostics) {
	user := username(t.Principal)
	if user == "" {
		return
	}
	in, err := r.data.capacityInputs(ctx, false)
	if err != nil {
		clusterError(diags, "read the quotas on the cluster", err)
		return
	}
	report := tenancy.Allocate(in.capacity, in.quotas, append(in.principals, user))
	var keys []string
	for _, key := range tenancy.CapacityKeys {
		k := report.Keys[key]
		for _, u := range k.Unbounded {
			if k.Checked && u.Principal == user {
				keys = append(keys, string(key))
			}
		}
	}
	if len(keys) > 0 {
		tenantUnbounded(diags, t.Name, user, keys)
	}
}

// keepSatisfiedBindings reports whether the recorded bindings, though
// different from the expected ones, need no change because the cluster
// already holds every expected binding. That happens when the tenant's
// virtual cluster changed its shared topics in the last apply and granted
// them itself: the tenant's state catches up on its next refresh, and a plan
// without refresh must not show a change that would do nothing.
func (r *tenantResource) keepSatisfiedBindings(ctx context.Context, principal string, want []kafka.ACL, recorded types.List) (bool, error) {
	if recorded.IsNull() || recorded.IsUnknown() || slices.Equal(aclsFromList(ctx, recorded), want) {
		return false, nil
	}
	live, err := r.data.client.DescribeACLs(ctx, principal)
	if err != nil {
		return false, err
	}
	return len(missing(want, live)) == 0, nil
}

func prefixesKnown(m tenantModel) bool {
	return !m.TopicPrefix.IsUnknown() && !m.GroupPrefix.IsUnknown() && !m.TransactionalIDPrefix.IsUnknown()
}

// tenantSpec builds the registry record of a tenant from its plan, filling
// prefixes the plan left unknown from the virtual cluster in ns.
func tenantSpec(m tenantModel, ns tenancy.Namespaces) (tenancy.Tenant, tenancy.VirtualCluster) {
	name, vcName := m.Name.ValueString(), m.VirtualCluster.ValueString()
	vc := ns.VirtualClusters[vcName]
	prefix := func(v types.String) string {
		if v.IsNull() || v.IsUnknown() {
			return tenancy.DefaultPrefix(vc.Prefix, name)
		}
		return v.ValueString()
	}
	principal := m.Principal.ValueString()
	if m.Principal.IsNull() || m.Principal.IsUnknown() {
		principal = tenancy.DefaultPrincipal(vcName, name)
	}
	t := tenancy.Tenant{
		Name: name, VirtualCluster: vcName, Principal: principal,
		Prefixes: map[tenancy.NameKind]string{
			tenancy.TopicNames:           prefix(m.TopicPrefix),
			tenancy.GroupNames:           prefix(m.GroupPrefix),
			tenancy.TransactionalIDNames: prefix(m.TransactionalIDPrefix),
		},
	}
	if b := m.Budgets; b != nil {
		t.Budgets = tenancy.Budgets{MaxTopics: b.MaxTopics.ValueInt64(), MaxPartitions: b.MaxPartitions.ValueInt64(), MaxRetentionBytes: b.MaxRetentionBytes.ValueInt64()}
	}
	return t, vc
}

// state builds the resource state of a registered tenant.
func (r *tenantResource) state(ctx context.Context, t tenancy.Tenant, vc tenancy.VirtualCluster, creds *tenantCredentialsModel, forceDestroy types.Bool, acls []kafka.ACL) tenantModel {
	m := tenantModel{
		ACLBindings:           aclList(ctx, acls),
		Credentials:           creds,
		ForceDestroy:          forceDestroy,
		GroupPrefix:           types.StringValue(t.Prefixes[tenancy.GroupNames]),
		ID:                    types.StringValue(t.Name),
		Name:                  types.StringValue(t.Name),
		Principal:             types.StringValue(t.Principal),
		TopicPrefix:           types.StringValue(t.Prefixes[tenancy.TopicNames]),
		TransactionalIDPrefix: types.StringValue(t.Prefixes[tenancy.TransactionalIDNames]),
		Username:              types.StringValue(username(t.Principal)),
		VirtualCluster:        types.StringNull(),
	}
	if t.VirtualCluster != "" {
		m.VirtualCluster = types.StringValue(t.VirtualCluster)
	}
	if b := t.Budgets; b != (tenancy.Budgets{}) {
		m.Budgets = &tenantBudgetsModel{MaxTopics: int64OrNull(b.MaxTopics), MaxPartitions: int64OrNull(b.MaxPartitions), MaxRetentionBytes: int64OrNull(b.MaxRetentionBytes)}
	}
	if creds != nil {
		c := *creds
		c.PasswordWO = types.StringNull()
		m.Credentials = &c
	}
	m.ClientProperties = r.clientProperties(m, vc)
	return m
}

// clientProperties adds the tenant's own user name and mechanism to the
// connection settings of its virtual cluster.
func (r *tenantResource) clientProperties(m tenantModel, vc tenancy.VirtualCluster) types.Map {
	mechanism := r.data.connectionMechanism()
	if m.Credentials != nil && !m.Credentials.Mechanism.IsUnknown() {
		mechanism = m.Credentials.Mechanism.ValueString()
	}
	props := clientProperties(r.data.connection, vc.BootstrapServers, mechanism).Elements()
	if user := username(m.Principal.ValueString()); user != "" && r.data.connection.SASL != nil && kafka.UsesPassword(mechanism) {
		props["sasl.username"] = types.StringValue(user)
	}
	return types.MapValueMust(types.StringType, props)
}

func int64OrNull(v int64) types.Int64 {
	if v == 0 {
		return types.Int64Null()
	}
	return types.Int64Value(v)
}

// namesWithPrefix returns the keys of topics that start with prefix,
// sorted.
func namesWithPrefix(topics map[string]int32, prefix string) []string {
	var out []string
	for name := range topics {
		if prefix != "" && strings.HasPrefix(name, prefix) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}
