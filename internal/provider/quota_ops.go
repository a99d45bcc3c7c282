package provider

import (
	"context"
	"maps"
	"math"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

func (r *quotaResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer keepIdentity(ctx, r, &resp.State, resp.Identity, &resp.Diagnostics)
	ctx, end := r.data.begin(ctx)
	defer end()
	var plan quotaModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.write(ctx, plan, nil, &resp.State, resp.Private, &resp.Diagnostics)
}

func (r *quotaResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer keepIdentity(ctx, r, &resp.State, resp.Identity, &resp.Diagnostics)
	ctx, end := r.data.begin(ctx)
	defer end()
	var plan, state quotaModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	previous := floatMap(ctx, state.PerBroker)
	r.write(ctx, plan, previous, &resp.State, resp.Private, &resp.Diagnostics)
	if resp.Diagnostics.HasError() && resp.State.Raw.IsNull() {
		// Nothing changed on the cluster: keep the prior state.
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	}
}

// write writes a quota's plan: the planned per-broker values, or for a new
// cluster-scope quota the rates divided over the brokers that lead its
// tenant's partitions now. A cluster-scope quota is tracked from before it
// counts them, so that a topic of its tenant created later in the same
// apply divides it again (see spreadQuotas).
func (r *quotaResource) write(ctx context.Context, plan quotaModel, previous map[string]float64, state stateSetter, private privateSetter, diags *diag.Diagnostics) {
	ns, err := r.data.namespaces(ctx, true)
	if err != nil {
		r.data.clusterError(diags, "read the registry", err)
		return
	}
	entity, ok := r.resolveEntity(plan, applying, ns, diags)
	if !ok {
		return
	}
	if user := userOf(entity); !plan.Tenant.IsNull() && !plan.User.IsNull() && !plan.User.IsUnknown() && !plan.User.Equal(user) {
		// Only a user given with a tenant not known at plan gets here.
		quotaUserNotTenants(diags, plan.Tenant.ValueString(), plan.User.ValueString(), user.ValueString())
		return
	}
	cluster := plan.Scope.ValueString() == scopeCluster
	prefix := quotaTopicPrefix(plan, ns, entity)
	var spread *clusterSpread
	if cluster {
		// Held until the write is done: a topic created meanwhile waits,
		// then divides the rates again if its leader is a new one.
		spread = r.data.spreads.track(entity, prefix, plan)
		spread.mu.Lock()
		defer spread.mu.Unlock()
		spread.written = previous
	}
	values := floatMap(ctx, plan.PerBroker)
	// divided is set when the rates were divided here, over leaders.
	leaders, divided := 0, false
	if plan.PerBroker.IsUnknown() || plan.PerBroker.IsNull() {
		divided = cluster
		if cluster {
			if leaders, err = r.data.countLeaders(ctx, prefix, true); err != nil {
				r.data.clusterError(diags, "find the brokers that lead the partitions of "+entity.String(), err)
				return
			}
		}
		if values, err = perBrokerValues(plan, leaders); err != nil {
			diags.AddAttributeError(path.Root("scope"), "Cannot Divide a Cluster-Wide Rate", err.Error())
			return
		}
	}
	if !r.data.writeQuota(ctx, entity, values, previous, diags) {
		return
	}
	if spread != nil {
		spread.written = values
	}
	plan.Entity, plan.ID = types.StringValue(entity.String()), types.StringValue(entity.String())
	plan.User = userOf(entity)
	plan.PerBroker = floatMapValue(values)
	diags.Append(state.Set(ctx, plan)...)
	if divided {
		// Kept for a plan without refresh: the brokers the state's values
		// were divided over, not a count taken since, so that plan agrees
		// with the state even when a topic of the same apply has divided
		// the quota again on the cluster. A refresh counts them anew.
		setPrivate(ctx, private, privateLeaders, leaders, diags)
	}
}

// writeQuota re-checks a quota write against capacity as the cluster is
// now, writes it, and checks again afterwards: another workspace may have
// written a quota at the same moment. If the two together overcommit the
// brokers, the write is rolled back to previous (nil: the entity had no
// quota) and reported, so the cluster is never left overcommitted. It
// reports whether the cluster holds values afterwards.
//
// Quotas of the same apply are written concurrently and share their reads
// and writes; each counts the others through the process's reservations,
// which are checked and taken under one lock.
func (d *providerData) writeQuota(ctx context.Context, entity tenancy.Entity, values, previous map[string]float64, diags *diag.Diagnostics) bool {
	change := quotaChange(entity, values)
	in, err := d.capacityInputs(ctx, true)
	if err != nil {
		d.clusterError(diags, "read the quotas and principals on the cluster", err)
		return false
	}
	reserve := func(in capacityInputs, diags *diag.Diagnostics) bool {
		return d.quotaWrites.reserve(entity, values, func(others []tenancy.Quota) bool {
			return d.checkCapacity(in, overlay(in.quotas, others, entity), change, applying, nil, diags)
		})
	}
	var refused diag.Diagnostics
	if !reserve(in, &refused) {
		// A quota this apply lowers may not have reserved its new value
		// yet: a fair share moving capacity from one tenant to another
		// raises one quota and lowers another, in either order. Wait for
		// the apply's other calls, then check again against the cluster
		// as it is then; only a refusal that stands is reported.
		d.ledger.Settle(ctx, settleQuiet, settleLimit)
		if in, err = d.capacityInputs(ctx, true); err != nil {
			d.clusterError(diags, "read the quotas and principals on the cluster", err)
			return false
		}
		if !reserve(in, diags) {
			return false
		}
	}
	components := quotaComponents(entity)
	set, remove := quotaChanges(previous, values)
	if err := d.client.AlterQuota(ctx, components, set, remove, false); err != nil {
		d.quotaWrites.release(entity, previous)
		d.clusterError(diags, "write the client quota of "+entity.String(), err)
		return false
	}
	after, err := d.capacityInputs(ctx, true)
	if err != nil {
		// The write went through and was checked before it; only the
		// second look failed. The next plan checks the cluster again.
		quotaVerificationUnread(diags, entity.String(), err)
		return true
	}
	others := d.quotaWrites.others(entity)
	existing := overlay(after.withEntity(entity, previous), others, entity)
	if d.checkCapacity(after, existing, change, verifying, nil, diags) {
		return true
	}
	restore, drop := quotaChanges(values, previous)
	if err := d.client.AlterQuota(ctx, components, restore, drop, false); err != nil {
		d.clusterError(diags, "roll back the client quota of "+entity.String()+" after it overcommitted the cluster; restore it by hand", err)
		return true
	}
	d.quotaWrites.release(entity, previous)
	return false
}

// quotaChange is the tenancy form of a quota write.
func quotaChange(entity tenancy.Entity, values map[string]float64) tenancy.Quota {
	change := tenancy.Quota{Entity: entity, Values: map[tenancy.QuotaKey]float64{}}
	for k, v := range values {
		change.Values[tenancy.QuotaKey(k)] = v
	}
	return change
}

// overlay returns quotas with the entities in others replaced by their
// values there (removed when empty), except the entity being checked,
// whose current value stays what the check replaces.
func overlay(quotas, others []tenancy.Quota, except tenancy.Entity) []tenancy.Quota {
	if len(others) == 0 {
		return quotas
	}
	replaced := map[string]bool{}
	for _, q := range others {
		replaced[q.Entity.String()] = true
	}
	var out []tenancy.Quota
	for _, q := range quotas {
		if !replaced[q.Entity.String()] || q.Entity.String() == except.String() {
			out = append(out, q)
		}
	}
	for _, q := range others {
		if len(q.Values) > 0 && q.Entity.String() != except.String() {
			out = append(out, q)
		}
	}
	return out
}

// quotaReservations holds the quotas this process has written or is
// writing, by entity, so that the quota writes of one apply, running at
// the same moment, count each other before the cluster shows them.
type quotaReservations struct {
	mu     sync.Mutex
	values map[string]tenancy.Quota
}

// reserve runs check with the other reservations and, if it passes,
// reserves values for the entity. Checks run one at a time.
func (q *quotaReservations) reserve(e tenancy.Entity, values map[string]float64, check func(others []tenancy.Quota) bool) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !check(q.othersLocked(e)) {
		return false
	}
	if q.values == nil {
		q.values = map[string]tenancy.Quota{}
	}
	q.values[e.String()] = quotaChange(e, values)
	return true
}

// release sets the entity's reservation back to what it held before.
func (q *quotaReservations) release(e tenancy.Entity, previous map[string]float64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.values == nil {
		q.values = map[string]tenancy.Quota{}
	}
	q.values[e.String()] = quotaChange(e, previous)
}

// others returns every reservation but the entity's own.
func (q *quotaReservations) others(e tenancy.Entity) []tenancy.Quota {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.othersLocked(e)
}

func (q *quotaReservations) othersLocked(e tenancy.Entity) []tenancy.Quota {
	var out []tenancy.Quota
	for key, v := range q.values {
		if key != e.String() {
			out = append(out, v)
		}
	}
	return out
}

// stateSetter is the part of tfsdk.State that write needs.
type stateSetter interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}

func (r *quotaResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	keepIdentity(ctx, r, &req.State, resp.Identity, &resp.Diagnostics)
	ctx, end := r.data.begin(ctx)
	defer end()
	var state quotaModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.canReachCluster() {
		return
	}
	entity, err := tenancy.ParseEntity(state.Entity.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Invalid Quota Entity in State", err.Error())
		return
	}
	snap, err := r.data.snapshot(ctx)
	if err != nil {
		r.data.clusterError(&resp.Diagnostics, "read the client quota of "+entity.String(), err)
		return
	}
	live := snap.Quota(quotaComponents(entity))
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
	ns, err := r.data.namespaces(ctx, false)
	if err != nil {
		r.data.clusterError(&resp.Diagnostics, "read the registry", err)
		return
	}
	if imported != nil {
		state.Tenant = tenantOf(ns, entity)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
	}
	if state.Scope.ValueString() == scopeCluster {
		// Kept for the next plan, which divides the rates over them
		// without asking the cluster.
		leaders, err := r.data.countLeaders(ctx, quotaTopicPrefix(state, ns, entity), false)
		if err != nil {
			r.data.clusterError(&resp.Diagnostics, "find the brokers that lead the partitions of "+entity.String(), err)
			return
		}
		setPrivate(ctx, resp.Private, privateLeaders, leaders, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *quotaResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, end := r.data.begin(ctx)
	defer end()
	var state quotaModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	entity, err := tenancy.ParseEntity(state.Entity.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Invalid Quota Entity in State", err.Error())
		return
	}
	// Every key the entity holds goes, including keys set outside
	// Terraform: the resource owns the entity's quota. The read is shared
	// with the other quotas being destroyed.
	all, err := r.data.client.DescribeQuotas(ctx)
	if err != nil {
		r.data.clusterError(&resp.Diagnostics, "read the client quota of "+entity.String(), err)
		return
	}
	var keys []string
	for _, q := range all {
		if tenancyQuota(q).Entity.String() == entity.String() {
			for k := range q.Values {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	if err := r.data.client.AlterQuota(ctx, quotaComponents(entity), nil, keys, false); err != nil {
		r.data.clusterError(&resp.Diagnostics, "delete the client quota of "+entity.String(), err)
		return
	}
	r.data.quotaWrites.release(entity, nil)
}

func (r *quotaResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer keepIdentity(ctx, r, &resp.State, resp.Identity, &resp.Diagnostics)
	if !importByIdentity(ctx, r, &req, &resp.Diagnostics) {
		return
	}
	entity, err := tenancy.ParseEntity(req.ID)
	if err == nil {
		err = entity.Validate()
	}
	if err != nil {
		quotaImportIDError(&resp.Diagnostics, req.ID, err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, importedQuota(entity))...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, []byte(`true`))...)
}

// importedQuota is the state an import starts from: the entity alone,
// per broker; Read adds the values the cluster holds.
func importedQuota(entity tenancy.Entity) quotaModel {
	m := quotaModel{
		Entity: types.StringValue(entity.String()), ID: types.StringValue(entity.String()), Scope: types.StringValue(scopeBroker),
		User: userOf(entity), ClientID: componentOf(entity, tenancy.EntityClientID), IP: componentOf(entity, tenancy.EntityIP),
		Tenant: types.StringNull(), PerBroker: types.MapNull(types.Float64Type),
	}
	m.setValues(nil)
	return m
}

func (r *quotaResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	ctx, end := r.data.begin(ctx)
	defer end()
	if r.data == nil {
		return
	}
	if req.Plan.Raw.IsNull() {
		// Removing a quota is never refused; the plan's other quotas are
		// checked without it.
		r.recordRemoval(ctx, req.State)
		return
	}
	if r.data.destroying {
		return
	}
	// The configuration is read for two attributes, and an unchanged plan
	// is its state: each read into the model costs the framework's
	// reflection, on every quota of every plan.
	var (
		plan, state  quotaModel
		configTenant types.String
		configUser   types.String
	)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("tenant"), &configTenant)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("user"), &configUser)...)
	creating := req.State.Raw.IsNull()
	switch {
	case !creating && req.Plan.Raw.Equal(req.State.Raw):
		state = plan
	case !creating:
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if configTenant.IsNull() && configUser.IsNull() {
		// No user part: the computed user is null, not unknown.
		plan.User = types.StringNull()
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("user"), plan.User)...)
	}
	if !r.data.canReachCluster() {
		deferredChecksWarning(&resp.Diagnostics)
		return
	}
	cluster := plan.Scope.ValueString() == scopeCluster
	leaders := 0
	kept := !creating && getPrivate(ctx, req.Private, privateLeaders, &leaders) && leaders > 0
	var (
		entity tenancy.Entity
		values map[string]float64
	)
	if !creating && req.Plan.Raw.Equal(req.State.Raw) && (!cluster || kept) {
		// Unchanged configuration: planned from state and the brokers
		// leading the partitions as the last refresh counted them, with no
		// request. Only a per-broker value that moved is checked.
		e, err := tenancy.ParseEntity(state.Entity.ValueString())
		if err != nil {
			resp.Diagnostics.AddError("Invalid Quota Entity in State", err.Error())
			return
		}
		if values, err = perBrokerValues(plan, leaders); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("scope"), "Cannot Divide a Cluster-Wide Rate", err.Error())
			return
		}
		if maps.Equal(values, floatMap(ctx, state.PerBroker)) {
			return
		}
		entity = e
	} else {
		ns, err := r.data.namespaces(ctx, false)
		if err != nil {
			r.data.clusterError(&resp.Diagnostics, "read the registry", err)
			return
		}
		r.data.ledger.View(func(view tenancy.LedgerView) { ns = ns.With(view.Namespaces) })
		var ok bool
		if entity, ok = r.resolveEntity(plan, planning, ns, &resp.Diagnostics); !ok {
			return
		}
		if given, tenantUser := configUser, userOf(entity); !configTenant.IsNull() && !given.IsNull() && !given.IsUnknown() && !given.Equal(tenantUser) {
			quotaUserNotTenants(&resp.Diagnostics, configTenant.ValueString(), given.ValueString(), tenantUser.ValueString())
			return
		}
		if cluster && creating {
			// Written after its tenant's topics of this apply exist, over
			// the brokers that lead them: checked here on the fewest that
			// may.
			if leaders, err = r.data.fewestLeaders(ctx, quotaTopicPrefix(plan, ns, entity)); err != nil {
				r.data.clusterError(&resp.Diagnostics, "find the brokers that lead the partitions of "+entity.String(), err)
				return
			}
		} else if cluster && !kept {
			if leaders, err = r.data.countLeaders(ctx, quotaTopicPrefix(plan, ns, entity), false); err != nil {
				r.data.clusterError(&resp.Diagnostics, "find the brokers that lead the partitions of "+entity.String(), err)
				return
			}
		}
		if values, err = perBrokerValues(plan, leaders); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("scope"), "Cannot Divide a Cluster-Wide Rate", err.Error())
			return
		}
	}
	plan.Entity, plan.ID = types.StringValue(entity.String()), types.StringValue(entity.String())
	plan.User = userOf(entity)
	plan.PerBroker = floatMapValue(values)
	if cluster && creating {
		// The brokers that lead the tenant's partitions are counted when
		// the quota is written: its topics may be created first.
		plan.PerBroker = types.MapUnknown(types.Float64Type)
	}
	if plan.hasUnknownValue() {
		// A value known only at apply (from a data source read then, such
		// as a fair share of tenants the apply creates): what is written
		// is unknown too, and the apply checks it against capacity.
		plan.PerBroker = types.MapUnknown(types.Float64Type)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
	r.planCapacity(ctx, entity, values, &resp.Diagnostics)
	if cluster && creating && resp.Diagnostics.HasError() {
		clusterScopeCheckedOnFewest(&resp.Diagnostics, entity.String(), leaders)
	}
}

// planCapacity checks a quota write against the capacity, counting the
// quotas and tenants planned before it, and records it in the ledger. A
// failure is checked once more after the plan has settled, since a quota
// the plan removes may make room. The brokers validate what passes.
func (r *quotaResource) planCapacity(ctx context.Context, entity tenancy.Entity, values map[string]float64, diags *diag.Diagnostics) {
	in, err := r.data.capacityInputs(ctx, false)
	if err != nil {
		r.data.clusterError(diags, "read the quotas and principals on the cluster", err)
		return
	}
	change := quotaChange(entity, values)
	out := r.data.settled(ctx, func() (diag.Diagnostics, bool) {
		var out diag.Diagnostics
		r.data.ledger.RecordQuota(tenancy.PlannedQuota{Entity: entity, Values: change.Values}, func(view tenancy.LedgerView) {
			planned := r.data.withPlan(in, view)
			r.data.checkCapacity(planned, planned.quotas, change, planning, plannedUsers(view), &out)
		})
		return out, true
	})
	diags.Append(out...)
	if out.HasError() {
		return
	}
	// Real brokers validate quota entities and keys themselves; ask them
	// without changing anything.
	if err := r.data.client.AlterQuota(ctx, quotaComponents(entity), values, nil, true); err != nil {
		quotaRejectedByBrokers(diags, entity.String(), err)
	}
}

// recordRemoval records, in the ledger, a quota the plan destroys.
func (r *quotaResource) recordRemoval(ctx context.Context, state tfsdk.State) {
	if state.Raw.IsNull() {
		return
	}
	var entity types.String
	if diags := state.GetAttribute(ctx, path.Root("entity"), &entity); diags.HasError() {
		return
	}
	e, err := tenancy.ParseEntity(entity.ValueString())
	if err != nil {
		return
	}
	r.data.ledger.RecordQuota(tenancy.PlannedQuota{Entity: e.Canonical()}, nil)
}

// resolveEntity finds the quota entity of a plan, looking a tenant's user
// up in ns. At plan time a tenant unknown to ns, or an entity part still
// unknown, leaves it unknown: ok is false with no error.
func (r *quotaResource) resolveEntity(m quotaModel, stage checkStage, ns tenancy.Namespaces, diags *diag.Diagnostics) (tenancy.Entity, bool) {
	user := m.User.ValueString()
	if tenant := m.Tenant.ValueString(); tenant != "" {
		t, ok := ns.Tenants[tenant]
		if !ok {
			if stage != planning {
				quotaTenantNotFound(diags, tenant)
			}
			return nil, false
		}
		user = username(t.Principal)
		if user == "" {
			quotaTenantNotUser(diags, t)
			return nil, false
		}
	}
	if m.Tenant.IsUnknown() || m.ClientID.IsUnknown() || m.IP.IsUnknown() || (m.Tenant.IsNull() && m.User.IsUnknown()) {
		return nil, false
	}
	return buildEntity(user, m.ClientID.ValueString(), m.IP.ValueString()), true
}

// quotaTopicPrefix is the prefix of the topics whose leaders a
// cluster-scope quota divides its rates over: its tenant's topic prefix,
// or a plain user's name and a dot.
func quotaTopicPrefix(m quotaModel, ns tenancy.Namespaces, entity tenancy.Entity) string {
	if tenant := m.Tenant.ValueString(); tenant != "" {
		return ns.Tenants[tenant].Prefixes[tenancy.TopicNames]
	}
	u, _ := entity.Component(tenancy.EntityUser)
	return u.Name + "."
}

// perBrokerValues returns the values to write on each broker: the
// configured ones, or with scope = "cluster" the cluster-wide rates divided
// over leaders brokers, rounded down for the keys Kafka keeps whole, so
// that the brokers together never allow more than the rate.
func perBrokerValues(m quotaModel, leaders int) (map[string]float64, error) {
	values := map[string]float64{}
	for k, v := range m.values() {
		values[string(k)] = v
	}
	if m.Scope.ValueString() != scopeCluster {
		return values, nil
	}
	for _, k := range []tenancy.QuotaKey{tenancy.ProducerByteRate, tenancy.ConsumerByteRate, tenancy.RequestPercentage} {
		v, ok := values[string(k)]
		if !ok {
			continue
		}
		share, err := tenancy.PerBrokerFromClusterRate(v, leaders)
		if err != nil {
			return nil, err
		}
		if tenancy.IsIntegral(k) {
			share = math.Max(1, math.Floor(share))
		}
		values[string(k)] = share
	}
	return values, nil
}

// fewestLeaders is the fewest brokers that may lead the partitions of the
// topics under prefix once an apply has created more of them: those that
// lead them now, or one while there are none.
func (d *providerData) fewestLeaders(ctx context.Context, prefix string) (int, error) {
	snap, err := d.snapshot(ctx)
	if err != nil {
		return 0, err
	}
	return max(1, len(snap.PartitionLeaders(snap.TopicsWithPrefix(prefix)))), nil
}

// countLeaders counts the brokers leading the partitions of the topics
// under prefix, from the snapshot or, while applying (fresh), from the
// cluster; with no partitions yet, every broker.
func (d *providerData) countLeaders(ctx context.Context, prefix string, fresh bool) (int, error) {
	snap, err := d.snapshot(ctx)
	if err != nil {
		return 0, err
	}
	var leaders []int32
	if fresh {
		all, err := d.client.ListTopics(ctx)
		if err != nil {
			return 0, err
		}
		if leaders, err = d.client.PartitionLeaders(ctx, namesWithPrefix(all, prefix)); err != nil {
			return 0, err
		}
	} else {
		leaders = snap.PartitionLeaders(snap.TopicsWithPrefix(prefix))
	}
	if len(leaders) > 0 {
		return len(leaders), nil
	}
	return len(snap.Brokers()), nil
}

// tenantOf names the tenant whose user the entity names, if any.
func tenantOf(ns tenancy.Namespaces, entity tenancy.Entity) types.String {
	c, ok := entity.Component(tenancy.EntityUser)
	if !ok || c.Default {
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

// hasUnknownValue reports whether any quota value is not known yet.
func (m quotaModel) hasUnknownValue() bool {
	return m.ProducerByteRate.IsUnknown() || m.ConsumerByteRate.IsUnknown() || m.ConnectionCreationRate.IsUnknown() ||
		m.RequestPercentage.IsUnknown() || m.ControllerMutationRate.IsUnknown()
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
