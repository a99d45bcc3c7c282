package provider

import (
	"context"
	"math"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

func (r *quotaResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan quotaModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.write(ctx, plan, nil, &resp.State, &resp.Diagnostics)
}

func (r *quotaResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state quotaModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	previous := floatMap(ctx, state.PerBroker)
	r.write(ctx, plan, previous, &resp.State, &resp.Diagnostics)
	if resp.Diagnostics.HasError() && resp.State.Raw.IsNull() {
		// Nothing changed on the cluster: keep the prior state.
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	}
}

// write re-checks the quota against capacity as the cluster is now, writes
// it, and checks again afterwards: another workspace may have written a
// quota at the same moment. If the two together overcommit the brokers,
// this write is rolled back to previous (nil: the entity had no quota) and
// reported, so the cluster is never left overcommitted.
func (r *quotaResource) write(ctx context.Context, plan quotaModel, previous map[string]float64, state stateSetter, diags *diag.Diagnostics) {
	r.data.quotaMu.Lock()
	defer r.data.quotaMu.Unlock()

	entity, values, ok := r.resolve(ctx, plan, true, diags)
	if !ok {
		return
	}
	if !r.checkCapacity(ctx, entity, values, nil, true, false, diags) {
		return
	}
	components := quotaComponents(entity)
	set, remove := quotaChanges(previous, values)
	if err := r.data.client.AlterQuota(ctx, components, set, remove, false); err != nil {
		clusterError(diags, "write the client quota of "+entity.String(), err)
		return
	}
	if !r.checkCapacity(ctx, entity, values, previous, true, true, diags) {
		restore, drop := quotaChanges(values, previous)
		if err := r.data.client.AlterQuota(ctx, components, restore, drop, false); err != nil {
			clusterError(diags, "roll back the client quota of "+entity.String()+" after it overcommitted the cluster; restore it by hand", err)
		}
		return
	}
	plan.Entity, plan.ID = types.StringValue(entity.String()), types.StringValue(entity.String())
	plan.User = userOf(entity)
	plan.PerBroker = floatMapValue(values)
	diags.Append(state.Set(ctx, plan)...)
}

// stateSetter is the part of tfsdk.State that write needs.
type stateSetter interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}

func (r *quotaResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state quotaModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.canReachCluster() {
		return
	}
	entity, live, ok := r.live(ctx, state, &resp.Diagnostics)
	if !ok {
		return
	}
	if len(live) == 0 {
		removedOutsideTerraform(&resp.Diagnostics, "Quota", entity.String())
		resp.State.RemoveResource(ctx)
		return
	}
	state.PerBroker = floatMapValue(live)
	if state.Scope.ValueString() != scopeCluster {
		// Per-broker values are the configured ones: show drift on each.
		state.setValues(live)
	}
	imported, diags := req.Private.GetKey(ctx, importedKey)
	resp.Diagnostics.Append(diags...)
	if imported != nil {
		state.Tenant = r.tenantOf(ctx, entity)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *quotaResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state quotaModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	entity, live, ok := r.live(ctx, state, &resp.Diagnostics)
	if !ok {
		return
	}
	keys := make([]string, 0, len(live))
	for k := range live {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if err := r.data.client.AlterQuota(ctx, quotaComponents(entity), nil, keys, false); err != nil {
		clusterError(&resp.Diagnostics, "delete the client quota of "+entity.String(), err)
	}
}

// live returns the entity recorded in state and the values the cluster
// holds for it.
func (r *quotaResource) live(ctx context.Context, state quotaModel, diags *diag.Diagnostics) (tenancy.Entity, map[string]float64, bool) {
	entity, err := tenancy.ParseEntity(state.Entity.ValueString())
	if err != nil {
		diags.AddError("Invalid Quota Entity in State", err.Error())
		return nil, nil, false
	}
	values, err := r.data.client.DescribeQuota(ctx, quotaComponents(entity))
	if err != nil {
		clusterError(diags, "read the client quota of "+entity.String(), err)
		return nil, nil, false
	}
	return entity, values, true
}

func (r *quotaResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	entity, err := tenancy.ParseEntity(req.ID)
	if err == nil {
		err = entity.Validate()
	}
	if err != nil {
		quotaImportIDError(&resp.Diagnostics, req.ID, err)
		return
	}
	m := quotaModel{
		Entity: types.StringValue(entity.String()), ID: types.StringValue(entity.String()), Scope: types.StringValue(scopeBroker),
		User: userOf(entity), ClientID: componentOf(entity, tenancy.EntityClientID), IP: componentOf(entity, tenancy.EntityIP),
		Tenant: types.StringNull(), PerBroker: types.MapNull(types.Float64Type),
	}
	m.setValues(nil)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, []byte(`true`))...)
}

func (r *quotaResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		// Removing a quota is never refused: when a whole configuration
		// is destroyed, its quotas go before their tenants.
		return
	}
	var plan, config quotaModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if config.Tenant.IsNull() && config.User.IsNull() {
		// No user part: the computed user is null, not unknown.
		plan.User = types.StringNull()
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("user"), plan.User)...)
	}
	if !r.data.canReachCluster() {
		deferredChecksWarning(&resp.Diagnostics)
		return
	}
	entity, values, ok := r.resolve(ctx, plan, false, &resp.Diagnostics)
	if !ok {
		return
	}
	plan.Entity, plan.ID = types.StringValue(entity.String()), types.StringValue(entity.String())
	plan.User = userOf(entity)
	plan.PerBroker = floatMapValue(values)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
	if !r.checkCapacity(ctx, entity, values, nil, false, false, &resp.Diagnostics) {
		return
	}
	// Real brokers validate quota entities and keys themselves; ask them
	// without changing anything.
	if err := r.data.client.AlterQuota(ctx, quotaComponents(entity), values, nil, true); err != nil {
		quotaRejectedByBrokers(&resp.Diagnostics, entity.String(), err)
	}
}

// resolve turns a plan into the quota entity and the per-broker values to
// write. At plan time a tenant missing from the registry (created in the
// same apply) leaves them unknown: ok is false with no error.
func (r *quotaResource) resolve(ctx context.Context, m quotaModel, applying bool, diags *diag.Diagnostics) (tenancy.Entity, map[string]float64, bool) {
	var entity tenancy.Entity
	user := m.User.ValueString()
	if tenant := m.Tenant.ValueString(); tenant != "" {
		ns, _, err := r.data.loadNamespaces(ctx, applying)
		if err != nil {
			clusterError(diags, "read the registry", err)
			return nil, nil, false
		}
		t, ok := ns.Tenants[tenant]
		if !ok {
			if applying {
				quotaTenantNotFound(diags, tenant)
			}
			return nil, nil, false
		}
		user = username(t.Principal)
		if user == "" {
			quotaTenantNotUser(diags, t)
			return nil, nil, false
		}
	}
	if m.Tenant.IsUnknown() || m.ClientID.IsUnknown() || m.IP.IsUnknown() || (m.Tenant.IsNull() && m.User.IsUnknown()) {
		return nil, nil, false
	}
	entity = buildEntity(user, m.ClientID.ValueString(), m.IP.ValueString())
	values := map[string]float64{}
	for k, v := range m.values() {
		values[string(k)] = v
	}
	if m.Scope.ValueString() == scopeCluster {
		leaders, err := r.leadersOf(ctx, m.Tenant.ValueString(), user)
		if err != nil {
			clusterError(diags, "find the brokers that lead the partitions of "+entity.String(), err)
			return nil, nil, false
		}
		for _, k := range []tenancy.QuotaKey{tenancy.ProducerByteRate, tenancy.ConsumerByteRate, tenancy.RequestPercentage} {
			v, ok := values[string(k)]
			if !ok {
				continue
			}
			share, err := tenancy.PerBrokerFromClusterRate(v, leaders)
			if err != nil {
				diags.AddAttributeError(path.Root(string(k)), "Cannot Divide a Cluster-Wide Rate", err.Error())
				return nil, nil, false
			}
			if tenancy.IsIntegral(k) {
				// Rounding down never hands out more than the cluster rate.
				share = math.Max(1, math.Floor(share))
			}
			values[string(k)] = share
		}
	}
	return entity, values, true
}

// leadersOf counts the brokers leading the partitions of the tenant's
// topics, or of the topics a plain user's name prefixes; with no
// partitions yet, every broker.
func (r *quotaResource) leadersOf(ctx context.Context, tenant, user string) (int, error) {
	prefix := user + "."
	if tenant != "" {
		ns, _, err := r.data.loadNamespaces(ctx, false)
		if err != nil {
			return 0, err
		}
		prefix = ns.Tenants[tenant].Prefixes[tenancy.TopicNames]
	}
	all, err := r.data.client.ListTopics(ctx)
	if err != nil {
		return 0, err
	}
	leaders, err := r.data.client.PartitionLeaders(ctx, namesWithPrefix(all, prefix))
	if err != nil {
		return 0, err
	}
	if len(leaders) > 0 {
		return len(leaders), nil
	}
	brokers, err := r.data.client.Brokers(ctx)
	return len(brokers), err
}

// tenantOf names the tenant whose user the entity names, if any.
func (r *quotaResource) tenantOf(ctx context.Context, entity tenancy.Entity) types.String {
	c, ok := entity.Component(tenancy.EntityUser)
	if !ok || c.Default {
		return types.StringNull()
	}
	ns, _, err := r.data.loadNamespaces(ctx, false)
	if err != nil {
		return types.StringNull()
	}
	if t, ok := ns.TenantByPrincipal("User:" + c.Name); ok {
		return types.StringValue(t.Name)
	}
	return types.StringNull()
}

// configEntity builds the entity from configuration for offline checks; a
// tenant stands in as a user of its own name. ok is false while a part is
// unknown.
func (m quotaModel) configEntity() (tenancy.Entity, bool) {
	for _, v := range []types.String{m.Tenant, m.User, m.ClientID, m.IP} {
		if v.IsUnknown() {
			return nil, false
		}
	}
	user := m.User.ValueString()
	if !m.Tenant.IsNull() {
		user = m.Tenant.ValueString()
	}
	return buildEntity(user, m.ClientID.ValueString(), m.IP.ValueString()), true
}

func buildEntity(user, clientID, ip string) tenancy.Entity {
	var e tenancy.Entity
	part := func(name string, named func(string) tenancy.Component, def func() tenancy.Component) {
		switch name {
		case "":
		case tenancy.DefaultName:
			e = append(e, def())
		default:
			e = append(e, named(name))
		}
	}
	part(user, tenancy.User, tenancy.DefaultUser)
	part(clientID, tenancy.ClientID, tenancy.DefaultClientID)
	part(ip, tenancy.IP, tenancy.DefaultIP)
	return e.Canonical()
}

func quotaComponents(e tenancy.Entity) []kafka.QuotaComponent {
	out := make([]kafka.QuotaComponent, len(e))
	for i, c := range e {
		out[i] = kafka.QuotaComponent{Type: string(c.Type), Name: c.Name, Default: c.Default}
	}
	return out
}

func componentOf(e tenancy.Entity, t tenancy.EntityType) types.String {
	c, ok := e.Component(t)
	if !ok {
		return types.StringNull()
	}
	if c.Default {
		return types.StringValue(tenancy.DefaultName)
	}
	return types.StringValue(c.Name)
}

func userOf(e tenancy.Entity) types.String { return componentOf(e, tenancy.EntityUser) }

// values returns the configured quota values by key.
func (m quotaModel) values() map[tenancy.QuotaKey]float64 {
	out := map[tenancy.QuotaKey]float64{}
	ints := map[tenancy.QuotaKey]wholeNumber{tenancy.ProducerByteRate: m.ProducerByteRate, tenancy.ConsumerByteRate: m.ConsumerByteRate, tenancy.ConnectionCreationRate: m.ConnectionCreationRate}
	for k, v := range ints {
		if !v.IsNull() && !v.IsUnknown() {
			out[k] = float64(v.ValueInt64())
		}
	}
	floats := map[tenancy.QuotaKey]types.Float64{tenancy.RequestPercentage: m.RequestPercentage, tenancy.ControllerMutationRate: m.ControllerMutationRate}
	for k, v := range floats {
		if !v.IsNull() && !v.IsUnknown() {
			out[k] = v.ValueFloat64()
		}
	}
	return out
}

// setValues sets every value attribute from live values; absent keys
// become null.
func (m *quotaModel) setValues(live map[string]float64) {
	i := func(k tenancy.QuotaKey) wholeNumber {
		if v, ok := live[string(k)]; ok {
			return wholeNumberOf(v)
		}
		return wholeNumberNull()
	}
	f := func(k tenancy.QuotaKey) types.Float64 {
		if v, ok := live[string(k)]; ok {
			return types.Float64Value(v)
		}
		return types.Float64Null()
	}
	m.ProducerByteRate, m.ConsumerByteRate, m.ConnectionCreationRate = i(tenancy.ProducerByteRate), i(tenancy.ConsumerByteRate), i(tenancy.ConnectionCreationRate)
	m.RequestPercentage, m.ControllerMutationRate = f(tenancy.RequestPercentage), f(tenancy.ControllerMutationRate)
}

// quotaChanges returns what turns the quota from before into after: keys
// to set and keys to remove.
func quotaChanges(before, after map[string]float64) (map[string]float64, []string) {
	set := map[string]float64{}
	for k, v := range after {
		if old, ok := before[k]; !ok || old != v {
			set[k] = v
		}
	}
	var remove []string
	for k := range before {
		if _, ok := after[k]; !ok {
			remove = append(remove, k)
		}
	}
	slices.Sort(remove)
	return set, remove
}

// roundedMapValue is floatMapValue with each capacity figure, keyed by its
// dimension, rounded to its unit (tenancy.RoundFigure), for outputs.
func roundedMapValue(m map[string]float64) types.Map {
	rounded := make(map[string]float64, len(m))
	for k, v := range m {
		rounded[k] = tenancy.RoundFigure(k, v)
	}
	return floatMapValue(rounded)
}

func floatMapValue(m map[string]float64) types.Map {
	elems := make(map[string]attr.Value, len(m))
	for k, v := range m {
		elems[k] = types.Float64Value(v)
	}
	return types.MapValueMust(types.Float64Type, elems)
}

func floatMap(ctx context.Context, m types.Map) map[string]float64 {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	out := map[string]float64{}
	m.ElementsAs(ctx, &out, false)
	return out
}
