package provider

import (
	"context"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// fairShare is one read of kafkatenant_fair_share: the request for
// tenancy.FairShare and what the outputs need besides.
type fairShare struct {
	req   tenancy.ShareRequest
	scope shareScope
	// users maps each tenant name to its Kafka user name.
	users map[string]string
}

// shareScope is what a fair share divides.
type shareScope struct {
	// id is the data source's id; name describes the scope in messages,
	// such as "virtual cluster london".
	id, name string
	// limits are what all quotas of the scope may add up to, per key, and
	// held what quotas outside the share hold of it.
	limits map[tenancy.QuotaKey]shareLimit
}

// shareLimit is one key's limit in a scope, for outputs and messages.
type shareLimit struct {
	limit, held float64
	// explanation says where the limit comes from.
	explanation string
	// holders are the largest holders outside the share, for messages.
	holders []tenancy.Holder
}

// request resolves the scope, the tenants and their current quotas into a
// request, reporting configuration the cluster contradicts.
func (d *fairShareDataSource) request(ctx context.Context, m fairShareModel, in capacityInputs, diags *diag.Diagnostics) (*fairShare, bool) {
	s := &fairShare{users: map[string]string{}}
	s.req.Headroom, s.req.Hysteresis = defaultShareHeadroom, defaultShareHysteresis
	if !m.Hysteresis.IsNull() {
		s.req.Hysteresis = m.Hysteresis.ValueFloat64()
	}
	vcName := m.VirtualCluster.ValueString()
	var envelope *tenancy.Envelope
	if vcName != "" {
		vc, ok := in.ns.VirtualClusters[vcName]
		if !ok {
			shareVirtualClusterNotFound(diags, vcName)
			return nil, false
		}
		envelope = vc.Envelope
	}
	bounded := func(k tenancy.QuotaKey) bool {
		if envelope != nil || vcName != "" {
			return envelope != nil && envelopeValue(*envelope, string(k)) > 0
		}
		_, ok := in.capacity.Allowed(k)
		return ok && d.data.capacityDeclared
	}
	if m.Keys.IsNull() {
		for _, k := range tenancy.FairShareKeys {
			if bounded(k) {
				s.req.Keys = append(s.req.Keys, k)
			}
		}
	} else {
		s.req.Keys = quotaKeys(setOfStrings(ctx, m.Keys))
	}
	var unbounded []tenancy.QuotaKey
	for _, k := range s.req.Keys {
		if !bounded(k) {
			unbounded = append(unbounded, k)
		}
	}
	if len(s.req.Keys) == 0 || len(unbounded) > 0 {
		shareKeysNotBounded(diags, vcName, unbounded, in.capacity)
		return nil, false
	}

	tenants := tenantsOf(ctx, m.Tenants)
	for _, name := range slices.Sorted(maps.Keys(tenants)) {
		t, ok := in.ns.Tenants[name]
		switch {
		case !ok:
			shareTenantNotFound(diags, name)
			continue
		case username(t.Principal) == "":
			shareTenantNotUser(diags, t)
			continue
		case vcName != "" && t.VirtualCluster != vcName:
			shareTenantOutside(diags, t, vcName)
			continue
		case vcName == "":
			if vc, ok := in.ns.VirtualClusters[t.VirtualCluster]; ok && vc.Envelope != nil {
				for _, k := range s.req.Keys {
					if envelopeValue(*vc.Envelope, string(k)) > 0 {
						shareTenantInEnvelope(diags, t, k)
						break
					}
				}
			}
		}
		st := shareTenant(ctx, name, tenants[name])
		s.users[name] = username(t.Principal)
		st.Current = currentQuota(in.quotas, s.users[name])
		s.req.Tenants = append(s.req.Tenants, st)
	}
	if diags.HasError() {
		return nil, false
	}
	s.scope = d.scopeOf(in, vcName, envelope, s.req.Keys, s.users)
	s.req.Available = map[tenancy.QuotaKey]float64{}
	for k, l := range s.scope.limits {
		s.req.Available[k] = l.limit - l.held
	}
	return s, true
}

// scopeOf sets each key's limit against what the quotas outside the share
// hold: every quota of the scope except the shared tenants' own user
// quotas, counted as the capacity checks count them. The shared tenants
// count as holding a user quota for each key, as they will once the share
// is applied, so that no <default> quota is counted for them.
func (d *fairShareDataSource) scopeOf(in capacityInputs, vcName string, envelope *tenancy.Envelope, keys []tenancy.QuotaKey, users map[string]string) shareScope {
	shared := map[string]bool{}
	quotas := slices.Clone(in.quotas)
	for _, u := range users {
		entity := tenancy.Entity{tenancy.User(u)}.Canonical()
		shared[entity.String()] = true
		values := map[tenancy.QuotaKey]float64{}
		for i, q := range quotas {
			if q.Entity.String() == entity.String() {
				for k, v := range q.Values {
					values[k] = v
				}
				quotas = slices.Delete(quotas, i, i+1)
				break
			}
		}
		for _, k := range keys {
			values[k] = 1
		}
		quotas = append(quotas, tenancy.Quota{Entity: entity, Values: values})
	}
	s := shareScope{id: "cluster", name: "the cluster", limits: map[tenancy.QuotaKey]shareLimit{}}
	var report tenancy.Report
	if vcName != "" {
		s.id, s.name = "virtual_cluster/"+vcName, "virtual cluster "+vcName
		var members []string
		for _, t := range in.ns.TenantsOf(vcName) {
			if u := username(t.Principal); u != "" {
				members = append(members, u)
			}
		}
		report = tenancy.CheckEnvelope(vcName, *envelope, members, quotas, nil)
	} else {
		report = tenancy.Allocate(in.capacity, quotas, in.principals)
	}
	for _, k := range keys {
		alloc := report.Keys[k]
		l := shareLimit{limit: alloc.Allowed, explanation: alloc.Explanation}
		for _, h := range alloc.Holders {
			if !shared[h.Entity.String()] {
				l.held += h.Total
				l.holders = append(l.holders, h)
			}
		}
		s.limits[k] = l
	}
	return s
}

// currentQuota returns the values of the user's own quota on the cluster.
func currentQuota(quotas []tenancy.Quota, user string) map[tenancy.QuotaKey]float64 {
	entity := tenancy.Entity{tenancy.User(user)}.Canonical().String()
	for _, q := range quotas {
		if q.Entity.String() == entity {
			return q.Values
		}
	}
	return nil
}

// userList returns the shared tenants' user names, sorted.
func (s *fairShare) userList() []string {
	out := make([]string, 0, len(s.users))
	for _, u := range s.users {
		out = append(out, u)
	}
	slices.Sort(out)
	return out
}

// setDemand sets each tenant's demand per key, the highest rate any broker
// observed, and whether a broker throttles it, from the observations by
// user.
func (s *fairShare) setDemand(observations map[string][]tenancy.Observation) {
	for i := range s.req.Tenants {
		t := &s.req.Tenants[i]
		t.Demand, t.Throttled = map[tenancy.QuotaKey]float64{}, map[tenancy.QuotaKey]bool{}
		for _, o := range observations[s.users[t.Name]] {
			for _, f := range []struct {
				key            tenancy.QuotaKey
				rate, throttle *float64
			}{
				{tenancy.ProducerByteRate, o.ProduceBytesPerSecond, o.ProduceThrottleMs},
				{tenancy.ConsumerByteRate, o.FetchBytesPerSecond, o.FetchThrottleMs},
				{tenancy.RequestPercentage, o.RequestTimePercent, o.RequestThrottleMs},
			} {
				if f.rate != nil {
					t.Demand[f.key] = math.Max(t.Demand[f.key], *f.rate)
				}
				if f.throttle != nil && *f.throttle > 0 {
					t.Throttled[f.key] = true
				}
			}
		}
	}
}

// outputs turns a result into the computed attributes: quotas,
// allocations, explanations and totals.
func (s *fairShare) outputs(r tenancy.ShareResult) (types.Map, types.Map, types.Map, types.Map) {
	quotas, allocations, explanations := map[string]attr.Value{}, map[string]attr.Value{}, map[string]attr.Value{}
	total := 0.0
	for _, t := range s.req.Tenants {
		total += t.Weight
	}
	for _, t := range s.req.Tenants {
		q := map[string]attr.Value{
			"consumer_byte_rate": types.Int64Null(), "producer_byte_rate": types.Int64Null(), "request_percentage": types.Float64Null(),
		}
		perKey := map[string]attr.Value{}
		lines := []string{"tenant " + t.Name + " (user " + s.users[t.Name] + "), weight " + trimFloat(t.Weight) + " of " + trimFloat(total) + " in " + s.scope.name + ":"}
		for _, ks := range r.Keys {
			g, _ := r.Grant(ks.Key, t.Name)
			if tenancy.IsIntegral(ks.Key) {
				q[string(ks.Key)] = types.Int64Value(int64(g.Quota))
			} else {
				q[string(ks.Key)] = types.Float64Value(g.Quota)
			}
			perKey[string(ks.Key)] = allocationValue(g)
			lines = append(lines, "  "+ks.Explain(g))
		}
		quotas[t.Name] = types.ObjectValueMust(fairShareQuotasType.AttrTypes, q)
		allocations[t.Name] = types.MapValueMust(fairShareAllocationType, perKey)
		explanations[t.Name] = types.StringValue(strings.Join(lines, "\n"))
	}
	totals := map[string]attr.Value{}
	for _, ks := range r.Keys {
		l := s.scope.limits[ks.Key]
		totals[string(ks.Key)] = types.ObjectValueMust(fairShareTotalsType.AttrTypes, map[string]attr.Value{
			"allocated": types.Float64Value(roundGrain(ks.Key, ks.Allocated)), "available": types.Float64Value(roundGrain(ks.Key, ks.Available)),
			"demand_observed": types.BoolValue(ks.DemandObserved), "held_elsewhere": types.Float64Value(roundGrain(ks.Key, l.held)),
			"limit": types.Float64Value(roundGrain(ks.Key, l.limit)),
		})
	}
	return types.MapValueMust(fairShareQuotasType, quotas), types.MapValueMust(types.MapType{ElemType: fairShareAllocationType}, allocations),
		types.MapValueMust(types.StringType, explanations), types.MapValueMust(fairShareTotalsType, totals)
}

func allocationValue(g tenancy.Grant) attr.Value {
	opt := func(v float64, ok bool) attr.Value {
		if !ok {
			return types.Float64Null()
		}
		return types.Float64Value(v)
	}
	return types.ObjectValueMust(fairShareAllocationType.AttrTypes, map[string]attr.Value{
		"ceiling": opt(g.Ceiling, g.HasCeiling), "computed": types.Float64Value(g.Computed), "current": opt(g.Current, g.HasCurrent),
		"demand": opt(g.Demand, g.DemandKnown), "floor": types.Float64Value(g.Floor), "quota": types.Float64Value(g.Quota),
		"reason": types.StringValue(string(g.Reason)), "share": types.Float64Value(g.Share), "throttled": types.BoolValue(g.Throttled),
	})
}

// roundGrain rounds a figure of key to hundredths of its grain, so that
// outputs read 79.99, not 79.99000000000001; the computation is exact in
// grains.
func roundGrain(key tenancy.QuotaKey, v float64) float64 {
	g := tenancy.ShareGrain(key)
	return math.Round(v/g*100) / 100 * g
}

func trimFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
