package provider

import (
	"context"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// ModifyPlan fills the tenant's defaults (principal, prefixes), computes
// the ACL bindings it should hold and its client properties, and refuses a
// namespace that breaks isolation, counting tenants registered by other
// workspaces and those planned before it in this plan. Its virtual
// cluster may be new in the same plan: the ledger knows its prefix.
func (r *tenantResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	ctx, end := r.data.begin(ctx)
	defer end()
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	// The configuration is read for one attribute, and an unchanged
	// plan is its state: each read into the model costs the framework's
	// reflection, on every tenant of every plan.
	var (
		plan, state     tenantModel
		configPrincipal types.String
	)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("principal"), &configPrincipal)...)
	creating := req.State.Raw.IsNull()
	unchanged := !creating && req.Plan.Raw.Equal(req.State.Raw)
	switch {
	case unchanged:
		state = plan
	case !creating:
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() || plan.Name.IsUnknown() || plan.VirtualCluster.IsUnknown() {
		return
	}
	name, vcName := plan.Name.ValueString(), plan.VirtualCluster.ValueString()
	plan.ID = plan.Name
	if configPrincipal.IsNull() {
		plan.Principal = types.StringValue(tenancy.DefaultPrincipal(vcName, name))
	}
	if !plan.Principal.IsUnknown() {
		plan.Username = types.StringValue(username(plan.Principal.ValueString()))
		if plan.Credentials != nil && plan.Username.ValueString() == "" {
			credentialsNeedUser(&resp.Diagnostics, plan.Principal.ValueString())
		}
	}
	if plan.Credentials != nil && r.data.connectionMechanism() == kafka.MechanismAWSMSKIAM {
		scramCredentialsOnIAM(&resp.Diagnostics, name)
	}
	// An apply always leaves the record written; an older state without
	// the attribute keeps it unset until its next refresh.
	plan.Registered = types.BoolValue(true)
	if !creating && state.Registered.IsNull() {
		plan.Registered = state.Registered
	}
	defer func() { resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...) }()
	if r.data.destroying {
		return
	}
	if !r.data.canReachCluster() {
		deferredChecksWarning(&resp.Diagnostics)
		plan.ClientProperties = types.MapUnknown(types.StringType)
		plan.ACLBindings = types.SetUnknown(types.StringType)
		return
	}
	var inputs tenantInputs
	if unchanged && getPrivate(ctx, req.Private, privateTenantInputs, &inputs) {
		r.planUnchanged(&plan, inputs)
		return
	}
	view, err := r.data.registryView(ctx, false)
	if err != nil {
		r.data.clusterError(&resp.Diagnostics, "read the registry", err)
		return
	}
	r.data.warnSkippedRecords(view, &resp.Diagnostics)
	ns := view.ns
	vcUnknown := false
	r.data.ledger.View(func(v tenancy.LedgerView) {
		ns = ns.With(v.Namespaces)
		vcUnknown = v.Unknown[tenancy.ClaimKey(kindVirtualCluster, vcName)]
	})
	vc, vcKnown := ns.VirtualClusters[vcName]
	vcKnown = vcName == "" || (vcKnown && !vcUnknown)
	for _, p := range []*types.String{&plan.TopicPrefix, &plan.GroupPrefix, &plan.TransactionalIDPrefix} {
		if p.IsUnknown() && vcKnown {
			*p = types.StringValue(tenancy.DefaultPrefix(vc.Prefix, name))
		}
	}
	if !vcKnown || plan.Principal.IsUnknown() {
		plan.ClientProperties = types.MapUnknown(types.StringType)
		plan.ACLBindings = types.SetUnknown(types.StringType)
		return
	}
	plan.ClientProperties = r.clientProperties(plan, vc)
	if !prefixesKnown(plan) {
		plan.ACLBindings = types.SetUnknown(types.StringType)
		return
	}
	snap, err := r.data.snapshot(ctx)
	if err != nil {
		r.data.clusterError(&resp.Diagnostics, "read the cluster", err)
		return
	}
	t, _ := tenantSpec(plan, ns)
	plan.ACLBindings = aclList(tenantACLs(t, vc.SharedTopics, !snap.IdempotentWriteByTopic()))
	if !creating && claimUnchanged(t, state) && budgetsEqual(plan, state) {
		// Nothing the rules look at changes; the refresh has reported any
		// later conflicting claim already.
		return
	}
	claimChanged := creating || !claimUnchanged(t, state)
	registryTopic := r.data.client.RegistryTopic()
	r.data.ledger.RecordTenant(t, func(v tenancy.LedgerView) {
		if !claimChanged {
			return
		}
		merged := view.ns.With(v.Namespaces)
		against := merged.Without(kindTenant, name)
		if merged.Registered(kindTenant, name) {
			// A registered claim wins over every later one.
			against = merged.Before(kindTenant, name)
		}
		namespaceViolations(&resp.Diagnostics, "tenant", name, against.CheckTenant(t, registryTopic, false), false)
	})
}

// planUnchanged plans a tenant whose configuration matches its state from
// its state and the inputs its last refresh kept, with no request: its ACL
// bindings are the ones those inputs call for, unless its virtual cluster
// is changed by this same plan, whose shared topics then apply.
func (r *tenantResource) planUnchanged(plan *tenantModel, inputs tenantInputs) {
	t := tenantFromState(*plan)
	shared := inputs.SharedTopics
	var (
		vc      tenancy.VirtualCluster
		planned bool
		unknown bool
	)
	r.data.ledger.View(func(v tenancy.LedgerView) {
		vc, planned = v.Namespaces.VirtualClusters[t.VirtualCluster]
		unknown = v.Unknown[tenancy.ClaimKey(kindVirtualCluster, t.VirtualCluster)]
	})
	switch {
	case t.VirtualCluster != "" && unknown:
		plan.ACLBindings = types.SetUnknown(types.StringType)
		plan.ClientProperties = types.MapUnknown(types.StringType)
		return
	case t.VirtualCluster != "" && planned:
		shared = vc.SharedTopics
		plan.ClientProperties = r.clientProperties(*plan, vc)
	}
	plan.ACLBindings = aclList(tenantACLs(t, shared, inputs.ClusterIdempotentWrite))
}

// claimUnchanged reports whether a tenant's claim (principal, prefixes,
// virtual cluster) is what its state records.
func claimUnchanged(t tenancy.Tenant, state tenantModel) bool {
	return t.Principal == state.Principal.ValueString() && t.VirtualCluster == state.VirtualCluster.ValueString() &&
		t.Prefixes[tenancy.TopicNames] == state.TopicPrefix.ValueString() &&
		t.Prefixes[tenancy.GroupNames] == state.GroupPrefix.ValueString() &&
		t.Prefixes[tenancy.TransactionalIDNames] == state.TransactionalIDPrefix.ValueString()
}

// budgetsEqual reports whether the planned budgets are the state's.
func budgetsEqual(plan, state tenantModel) bool {
	if plan.Budgets == nil || state.Budgets == nil {
		return plan.Budgets == nil && state.Budgets == nil
	}
	p, o := plan.Budgets, state.Budgets
	return p.MaxTopics.Equal(o.MaxTopics) && p.MaxPartitions.Equal(o.MaxPartitions) && p.MaxRetentionBytes.Equal(o.MaxRetentionBytes)
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
func (r *tenantResource) state(t tenancy.Tenant, vc tenancy.VirtualCluster, creds *tenantCredentialsModel, forceDestroy types.Bool, acls []kafka.ACL) tenantModel {
	m := tenantModel{
		ACLBindings:           aclList(acls),
		Credentials:           creds,
		ForceDestroy:          forceDestroy,
		GroupPrefix:           types.StringValue(t.Prefixes[tenancy.GroupNames]),
		ID:                    types.StringValue(t.Name),
		Name:                  types.StringValue(t.Name),
		Principal:             types.StringValue(t.Principal),
		Registered:            types.BoolValue(true),
		TopicPrefix:           types.StringValue(t.Prefixes[tenancy.TopicNames]),
		TransactionalIDPrefix: types.StringValue(t.Prefixes[tenancy.TransactionalIDNames]),
		Username:              types.StringValue(username(t.Principal)),
		VirtualCluster:        types.StringNull(),
	}
	if t.VirtualCluster != "" {
		m.VirtualCluster = types.StringValue(t.VirtualCluster)
	}
	if b := t.Budgets; b != (tenancy.Budgets{}) {
		m.Budgets = &tenantBudgetsModel{MaxTopics: wholeNumberOrNull(b.MaxTopics), MaxPartitions: wholeNumberOrNull(b.MaxPartitions), MaxRetentionBytes: wholeNumberOrNull(b.MaxRetentionBytes)}
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
