package provider

import (
	"context"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// checkStage says when a quota is checked against capacity.
type checkStage int

const (
	// planning checks against the snapshot and the plan's other quotas.
	planning checkStage = iota
	// applying checks against the cluster read afresh, before writing.
	applying
	// verifying checks against the cluster read afresh right after
	// writing, to catch another workspace's concurrent write.
	verifying
)

// checkCapacity checks a quota change against the declared capacity and
// the envelope of the entity's virtual cluster. existing are the quotas the
// change is judged against, with the entity's own quota as it was before
// the change; principals are every user that can log in. quiet names
// principals whose standing problems are not reported at plan time
// because the plan creates them (their own quota may come later in it).
//
// Only problems the change causes or worsens block it; standing ones are
// reported as warnings at plan time, so an overcommitted cluster can always
// be repaired.
func (d *providerData) checkCapacity(in capacityInputs, existing []tenancy.Quota, change tenancy.Quota, stage checkStage, quiet map[string]bool, diags *diag.Diagnostics) bool {
	ok := true
	if d.capacityDeclared {
		for _, v := range in.capacity.CheckBrokerLimits(change.Entity, change.Values) {
			quotaExceedsBroker(diags, v)
			ok = false
		}
		report := tenancy.AllocateChange(in.capacity, existing, change, in.principals)
		for _, v := range report.Violations() {
			capacityExceeded(diags, v, stage)
			ok = false
		}
		if stage == planning {
			for _, v := range report.Excluding(quiet).Warnings() {
				capacityWarning(diags, v)
			}
		}
	} else if stage == planning {
		d.noCapacityWarned.Do(func() { noCapacityDeclared(diags) })
	}
	if vc, env, members, found := in.envelopeOf(change.Entity); found {
		report := tenancy.CheckEnvelope(vc, env, members, existing, &change)
		for _, v := range report.Violations() {
			capacityExceeded(diags, v, stage)
			ok = false
		}
	}
	return ok
}

// capacityInputs is everything a capacity check reads from the cluster.
type capacityInputs struct {
	capacity   tenancy.Capacity
	quotas     []tenancy.Quota
	principals []string
	ns         tenancy.Namespaces
}

// capacityInputs reads the quotas, principals and registry: from the
// snapshot at plan time, afresh (fresh) while applying. The broker count,
// when none is declared, comes from the snapshot either way.
func (d *providerData) capacityInputs(ctx context.Context, fresh bool) (capacityInputs, error) {
	in := capacityInputs{capacity: d.capacity}
	snap, err := d.snapshot(ctx)
	if err != nil {
		return in, err
	}
	if in.capacity.BrokerCount == 0 && d.capacityDeclared {
		in.capacity.BrokerCount = len(snap.Brokers())
	}
	var (
		live  []kafka.ClientQuota
		users []string
	)
	if fresh {
		if live, err = d.client.DescribeQuotas(ctx); err != nil {
			return in, err
		}
		if users, err = d.client.ListSCRAMUsers(ctx); err != nil {
			return in, err
		}
	} else {
		live, users = snap.Quotas(), snap.SCRAMUsers()
	}
	for _, q := range live {
		in.quotas = append(in.quotas, tenancyQuota(q))
	}
	if in.ns, err = d.namespaces(ctx, fresh); err != nil {
		return in, err
	}
	in.principals = d.principals(users, in.ns)
	return in, nil
}

// principals returns the user names that can log in: SCRAM users and
// tenants' users, without the provider's own.
func (d *providerData) principals(users []string, ns tenancy.Namespaces) []string {
	set := map[string]bool{}
	for _, u := range users {
		set[u] = true
	}
	for _, t := range ns.Tenants {
		if u := username(t.Principal); u != "" {
			set[u] = true
		}
	}
	// The provider's own principal is an administrator, not a tenant; its
	// traffic is the platform's and is not promised to anyone.
	if d.connection.SASL != nil {
		delete(set, d.connection.SASL.Username)
	}
	return slices.Sorted(maps.Keys(set))
}

// withPlan returns the inputs as the plan being made leaves them: the
// planned quotas replace the cluster's (a planned removal drops one), and
// the planned tenants are principals and namespaces too.
func (d *providerData) withPlan(in capacityInputs, view tenancy.LedgerView) capacityInputs {
	out := in
	out.ns = in.ns.With(view.Namespaces)
	planned := map[string]tenancy.PlannedQuota{}
	for k, q := range view.Quotas {
		planned[k] = q
	}
	out.quotas = nil
	for _, q := range in.quotas {
		if _, replaced := planned[q.Entity.String()]; !replaced {
			out.quotas = append(out.quotas, q)
		}
	}
	for _, q := range view.Quotas {
		if len(q.Values) > 0 {
			out.quotas = append(out.quotas, tenancy.Quota(q))
		}
	}
	if len(view.Namespaces.Tenants) > 0 {
		var users []string
		users = append(users, in.principals...)
		out.principals = d.principals(users, out.ns)
	}
	return out
}

// plannedUsers returns the user names of the tenants this plan (or, while
// applying, this apply) creates or changes: their quotas may come later in
// it, even after the tenant itself has been applied.
func plannedUsers(view tenancy.LedgerView) map[string]bool {
	out := map[string]bool{}
	for _, t := range view.Namespaces.Tenants {
		if u := username(t.Principal); u != "" {
			out[u] = true
		}
	}
	return out
}

// withEntity returns the quotas with e's replaced by values (removed when
// values is empty).
func (in capacityInputs) withEntity(e tenancy.Entity, values map[string]float64) []tenancy.Quota {
	var out []tenancy.Quota
	for _, q := range in.quotas {
		if q.Entity.String() != e.String() {
			out = append(out, q)
		}
	}
	if len(values) > 0 {
		q := tenancy.Quota{Entity: e, Values: map[tenancy.QuotaKey]float64{}}
		for k, v := range values {
			q.Values[tenancy.QuotaKey(k)] = v
		}
		out = append(out, q)
	}
	return out
}

// envelopeOf finds the virtual cluster of the tenant an entity's user
// belongs to, with its envelope and its tenants' user names.
func (in capacityInputs) envelopeOf(e tenancy.Entity) (string, tenancy.Envelope, []string, bool) {
	c, ok := e.Component(tenancy.EntityUser)
	if !ok || c.Default {
		return "", tenancy.Envelope{}, nil, false
	}
	t, ok := in.ns.TenantByPrincipal("User:" + c.Name)
	if !ok || t.VirtualCluster == "" {
		return "", tenancy.Envelope{}, nil, false
	}
	vc, ok := in.ns.VirtualClusters[t.VirtualCluster]
	if !ok || vc.Envelope == nil {
		return "", tenancy.Envelope{}, nil, false
	}
	var members []string
	for _, m := range in.ns.TenantsOf(vc.Name) {
		if u := username(m.Principal); u != "" {
			members = append(members, u)
		}
	}
	return vc.Name, *vc.Envelope, members, true
}

// tenancyQuota converts a quota read from the cluster.
func tenancyQuota(q kafka.ClientQuota) tenancy.Quota {
	var e tenancy.Entity
	for _, c := range q.Entity {
		e = append(e, tenancy.Component{Type: tenancy.EntityType(c.Type), Name: c.Name, Default: c.Default})
	}
	out := tenancy.Quota{Entity: e.Canonical(), Values: map[tenancy.QuotaKey]float64{}}
	for k, v := range q.Values {
		out.Values[tenancy.QuotaKey(k)] = v
	}
	return out
}
