package provider

import (
	"context"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// checkCapacity checks a quota write against the declared capacity and the
// envelope of the entity's virtual cluster, counting every quota on the
// cluster and every principal that can log in. Before writing (written
// false), the entity's current quota on the cluster is what the write
// replaces. After writing (the verification), the cluster already holds the
// new values, and previous (nil: none) is what the write replaced, so that
// only what this write adds is judged either way.
//
// Only problems the write causes or worsens block it; standing ones are
// reported as warnings at plan time, so an overcommitted cluster can always
// be repaired.
func (r *quotaResource) checkCapacity(ctx context.Context, entity tenancy.Entity, values, previous map[string]float64, applying, written bool, diags *diag.Diagnostics) bool {
	in, err := r.data.capacityInputs(ctx, applying)
	if err != nil {
		clusterError(diags, "read the quotas and principals on the cluster", err)
		return false
	}
	existing := in.quotas
	if written {
		existing = in.withEntity(entity, previous)
	}
	change := tenancy.Quota{Entity: entity, Values: map[tenancy.QuotaKey]float64{}}
	for k, v := range values {
		change.Values[tenancy.QuotaKey(k)] = v
	}
	ok := true
	if r.data.capacityDeclared {
		for _, v := range in.capacity.CheckBrokerLimits(entity, change.Values) {
			quotaExceedsBroker(diags, v)
			ok = false
		}
		report := tenancy.AllocateChange(in.capacity, existing, change, in.principals)
		for _, v := range report.Violations() {
			capacityExceeded(diags, v, applying, written)
			ok = false
		}
		if !applying {
			for _, v := range report.Warnings() {
				capacityWarning(diags, v)
			}
		}
	} else if !applying {
		r.data.noCapacityWarned.Do(func() { noCapacityDeclared(diags) })
	}
	if vc, env, members, found := in.envelopeOf(entity); found {
		report := tenancy.CheckEnvelope(vc, env, members, existing, &change)
		for _, v := range report.Violations() {
			capacityExceeded(diags, v, applying, written)
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

// capacityInputs reads the quotas, principals and registry, and fills the
// broker count from the cluster when none is declared.
func (d *providerData) capacityInputs(ctx context.Context, fresh bool) (capacityInputs, error) {
	in := capacityInputs{capacity: d.capacity}
	if in.capacity.BrokerCount == 0 && d.capacityDeclared {
		brokers, err := d.client.Brokers(ctx)
		if err != nil {
			return in, err
		}
		in.capacity.BrokerCount = len(brokers)
	}
	live, err := d.client.DescribeQuotas(ctx)
	if err != nil {
		return in, err
	}
	for _, q := range live {
		in.quotas = append(in.quotas, tenancyQuota(q))
	}
	ns, _, err := d.loadNamespaces(ctx, fresh)
	if err != nil {
		return in, err
	}
	in.ns = ns
	users, err := d.client.ListSCRAMUsers(ctx)
	if err != nil {
		return in, err
	}
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
	in.principals = slices.Sorted(maps.Keys(set))
	return in, nil
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
