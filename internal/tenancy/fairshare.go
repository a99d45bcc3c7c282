package tenancy

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// FairShareKeys are the quota keys FairShare divides: the per-broker keys a
// virtual cluster's envelope bounds. controller_mutation_rate is left out:
// it is one cluster-wide pool on the active controller, not a rate tenants
// use up on each broker.
var FairShareKeys = []QuotaKey{ProducerByteRate, ConsumerByteRate, RequestPercentage}

// ShareGrain returns the step FairShare hands key out in: one byte per
// second for the byte rates, which Kafka stores as whole numbers, and a
// hundredth of a percent for request_percentage. Every quota FairShare
// gives is a whole number of grains and at least one grain, the smallest
// quota Kafka accepts being above zero.
func ShareGrain(key QuotaKey) float64 {
	if IsIntegral(key) {
		return 1
	}
	return 0.01
}

// MaxShareWeight bounds a tenant's weight, so that sums of weights stay
// exact.
const MaxShareWeight = 1_000_000

// ShareReason says which rule decided a tenant's quota for one key.
type ShareReason string

// The reasons, in the order ShareReasons lists them.
const (
	// ReasonWeight: the tenant gets its weighted share, because its demand
	// (times the headroom) asks for at least that, or demand is not read.
	ReasonWeight ShareReason = "weight"
	// ReasonDemand: the tenant's demand times the headroom is below its
	// weighted share, so it gets that, and the rest goes to the others.
	ReasonDemand ShareReason = "demand"
	// ReasonFloor: the tenant's floor (or the smallest quota there is) is
	// above what its weight or demand would give it.
	ReasonFloor ShareReason = "floor"
	// ReasonCeiling: the tenant's ceiling is below its weighted share.
	ReasonCeiling ShareReason = "ceiling"
	// ReasonHysteresis: the computed quota is within the hysteresis of
	// the tenant's current quota, which is kept so that no change is
	// proposed.
	ReasonHysteresis ShareReason = "hysteresis"
)

// ShareReasons lists every reason, for schema descriptions.
var ShareReasons = []ShareReason{ReasonWeight, ReasonDemand, ReasonFloor, ReasonCeiling, ReasonHysteresis}

// ShareTenant is one tenant taking part in a fair share.
type ShareTenant struct {
	// Name identifies the tenant; names are unique within a request.
	Name string
	// Weight is the tenant's weight, above 0 and at most MaxShareWeight.
	Weight float64
	// Floor is the guaranteed minimum per key; absent keys have none
	// beyond one grain.
	Floor map[QuotaKey]float64
	// Ceiling is the most the tenant may get per key; absent keys have
	// none.
	Ceiling map[QuotaKey]float64
	// Demand is the tenant's observed demand per key: the highest rate
	// any one broker saw. A key absent was not observed, which for Kafka's
	// per-user sensors means no traffic, and counts as zero demand.
	Demand map[QuotaKey]float64
	// Throttled marks the keys some broker throttles the tenant on: its
	// observed rate then shows its quota rather than its demand, so demand
	// does not cap it.
	Throttled map[QuotaKey]bool
	// Current is the tenant's quota on the cluster now, per key, which
	// hysteresis may keep.
	Current map[QuotaKey]float64
}

// ShareRequest is what FairShare divides and among whom.
type ShareRequest struct {
	// Keys are the quota keys to share, from FairShareKeys.
	Keys []QuotaKey
	// Available is, per key, the per-broker capacity the tenants' quotas
	// may add up to: the scope's limit less what quotas outside the share
	// hold.
	Available map[QuotaKey]float64
	// Tenants take part in the share.
	Tenants []ShareTenant
	// UseDemand caps each tenant at its Demand × Headroom. Without it the
	// shares are by weight alone.
	UseDemand bool
	// Headroom multiplies observed demand, so that a tenant can grow
	// between two runs: 1.2 leaves it 20% more than its peak. At least 1.
	Headroom float64
	// Hysteresis is the relative change under which a tenant's current
	// quota is kept rather than changed: 0.05 keeps it when the computed
	// quota is within 5% of it. From 0 (always change) up to but
	// excluding 1.
	Hysteresis float64
}

// Grant is one tenant's quota for one key, with what decided it.
type Grant struct {
	// Tenant names the tenant.
	Tenant string
	// Quota is the per-broker quota given: a whole number of grains.
	Quota float64
	// Computed is what the computation gave before hysteresis; it equals
	// Quota unless Reason is ReasonHysteresis.
	Computed float64
	// ComputedReason is the reason for Computed.
	ComputedReason ShareReason
	// Reason says which rule decided Quota.
	Reason ShareReason
	// Share is the tenant's weighted share: what it would get if it asked
	// for everything, the others unchanged. A tenant below it (by demand
	// or ceiling) leaves the difference to the others.
	Share float64
	// Weight is the tenant's weight.
	Weight float64
	// Floor is the tenant's effective floor: its configured floor rounded
	// up to a grain, and at least one grain.
	Floor float64
	// FloorConfigured is false when Floor is the one-grain minimum.
	FloorConfigured bool
	// Ceiling is its ceiling rounded down to a grain, when HasCeiling.
	Ceiling    float64
	HasCeiling bool
	// Demand is the observed demand, when DemandKnown: the request uses
	// demand and some tenant has traffic observed for the key.
	Demand      float64
	DemandKnown bool
	// Throttled is set when demand did not cap the tenant because a
	// broker throttles it.
	Throttled bool
	// Current is the tenant's quota on the cluster, when HasCurrent.
	Current    float64
	HasCurrent bool
}

// KeyShare is the fair share of one key.
type KeyShare struct {
	// Key is the quota key.
	Key QuotaKey
	// Available is what the quotas could add up to.
	Available float64
	// Allocated is the sum of the quotas given; never above Available.
	Allocated float64
	// DemandRead is set when the request uses demand.
	DemandRead bool
	// DemandObserved is false when the request uses demand but no tenant
	// has traffic observed for the key: the key is then shared by weight
	// alone, as nothing says who needs less.
	DemandObserved bool
	// Headroom is the request's headroom.
	Headroom float64
	// Hysteresis is the request's hysteresis.
	Hysteresis float64
	// TotalWeight is the sum of the tenants' weights.
	TotalWeight float64
	// Grants holds one grant per tenant, sorted by tenant name.
	Grants []Grant
}

// ShareResult is a fair share of every requested key, in request order.
type ShareResult struct {
	Keys []KeyShare
}

// Grant returns the grant of tenant for key, and whether there is one.
func (r ShareResult) Grant(key QuotaKey, tenant string) (Grant, bool) {
	for _, ks := range r.Keys {
		if ks.Key != key {
			continue
		}
		for _, g := range ks.Grants {
			if g.Tenant == tenant {
				return g, true
			}
		}
	}
	return Grant{}, false
}

// FloorsExceedError reports floors that together exceed what a key has
// available, so that no quotas can honour them all.
type FloorsExceedError struct {
	// Key is the quota key.
	Key QuotaKey
	// Floors are the effective floors by tenant, sorted by tenant name:
	// configured floors, and one grain for tenants without one.
	Floors []TenantFloor
	// Sum is their sum.
	Sum float64
	// Available is what the key has.
	Available float64
}

// TenantFloor is one tenant's effective floor.
type TenantFloor struct {
	Tenant string
	Floor  float64
	// Configured is false when Floor is the one-grain minimum.
	Configured bool
}

// Error names every floor, their sum and what is available.
func (e *FloorsExceedError) Error() string {
	var parts []string
	for _, f := range e.Floors {
		s := fmt.Sprintf("%s %s", f.Tenant, shortValue(e.Key, f.Floor))
		if !f.Configured {
			s += " (no floor: the smallest quota)"
		}
		parts = append(parts, s)
	}
	return fmt.Sprintf("the %s floors add up to %s (%s), more than the %s available; lower the floors, or make room in the scope",
		e.Key, formatValue(e.Key, e.Sum), strings.Join(parts, ", "), formatValue(e.Key, math.Max(e.Available, 0)))
}

// FairShare divides each key's available capacity among the tenants by
// weighted max-min fairness (water-filling), in whole grains:
//
//  1. Each tenant's quota lies between its floor (at least one grain) and
//     its ceiling; with UseDemand, also at most max(floor, demand ×
//     headroom), unless a broker throttles it.
//  2. Within those bounds every tenant gets weight × λ, for the one level λ
//     at which the quotas add up to Available. A tenant whose bound is
//     below its weight × λ gets its bound, and what it leaves is shared
//     among the others by weight. When every tenant is held by a bound
//     below its share, some capacity stays unallocated.
//  3. Quotas are rounded down to whole grains, so they never add up to
//     more than Available.
//  4. With Hysteresis, a tenant whose current quota lies within its floor
//     and ceiling and within Hysteresis of the computed quota keeps its
//     current quota. Keeping a lower quota only frees capacity; keeping a
//     higher one is accepted while the sum stays within Available, the
//     least costly first. So the sum still never exceeds Available.
//
// The result depends only on the request's values, never on the order of
// its tenants or keys: tenants are taken in name order and every sum is
// made in that order. With UseDemand, a key no tenant has traffic observed
// for is shared by weight alone (see KeyShare.DemandObserved).
//
// It returns a *FloorsExceedError when the floors of a key do not fit, and
// an error naming the field at fault for an invalid request.
func FairShare(req ShareRequest) (ShareResult, error) {
	if err := req.validate(); err != nil {
		return ShareResult{}, err
	}
	tenants := slices.Clone(req.Tenants)
	slices.SortFunc(tenants, func(a, b ShareTenant) int { return cmp.Compare(a.Name, b.Name) })
	var result ShareResult
	for _, key := range req.Keys {
		ks, err := shareKey(req, key, tenants)
		if err != nil {
			return ShareResult{}, err
		}
		result.Keys = append(result.Keys, ks)
	}
	return result, nil
}

func (req ShareRequest) validate() error {
	var errs []error
	seenKeys := map[QuotaKey]bool{}
	if len(req.Keys) == 0 {
		errs = append(errs, errors.New("no quota keys to share; give at least one of "+joinKeys(FairShareKeys)))
	}
	for _, k := range req.Keys {
		switch {
		case !slices.Contains(FairShareKeys, k):
			errs = append(errs, fmt.Errorf("%q cannot be shared: a fair share divides %s", k, joinKeys(FairShareKeys)))
		case seenKeys[k]:
			errs = append(errs, fmt.Errorf("%s is listed twice", k))
		}
		seenKeys[k] = true
		if v, ok := req.Available[k]; !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			errs = append(errs, fmt.Errorf("no finite capacity is available for %s", k))
		}
	}
	if !finite(req.Headroom) || req.Headroom < 1 || req.Headroom > 100 {
		errs = append(errs, fmt.Errorf("headroom = %s: it multiplies observed demand and must be from 1 (none) to 100", formatInput(req.Headroom)))
	}
	if !finite(req.Hysteresis) || req.Hysteresis < 0 || req.Hysteresis >= 1 {
		errs = append(errs, fmt.Errorf("hysteresis = %s: it is a fraction of the current quota, from 0 up to but excluding 1 (0.05 = 5%%)", formatInput(req.Hysteresis)))
	}
	if len(req.Tenants) == 0 {
		errs = append(errs, errors.New("no tenants to share among"))
	}
	names := map[string]bool{}
	for _, t := range req.Tenants {
		if names[t.Name] {
			errs = append(errs, fmt.Errorf("tenant %q is listed twice", t.Name))
		}
		names[t.Name] = true
		if err := t.Validate(req.Keys); err != nil {
			errs = append(errs, err)
		}
		for k, v := range t.Demand {
			if !finite(v) || v < 0 {
				errs = append(errs, fmt.Errorf("tenant %s: observed %s demand %s must be a finite number, 0 or more", t.Name, k, formatInput(v)))
			}
		}
	}
	return errors.Join(errs...)
}

// Validate reports what is wrong with the tenant's weight, floors and
// ceilings when keys are shared: a weight outside (0, MaxShareWeight], a
// bound on a key not shared, negative or not finite, a fraction of a byte,
// a ceiling below one grain, or a floor above the ceiling. Each error names
// the tenant and the value.
func (t ShareTenant) Validate(keys []QuotaKey) error {
	shared := map[QuotaKey]bool{}
	for _, k := range keys {
		shared[k] = true
	}
	var errs []error
	if !finite(t.Weight) || t.Weight <= 0 || t.Weight > MaxShareWeight {
		errs = append(errs, fmt.Errorf("tenant %s: weight = %s must be above 0 and at most %d", t.Name, formatInput(t.Weight), MaxShareWeight))
	}
	return errors.Join(append(errs, t.validateBounds(shared)...)...)
}

func (t ShareTenant) validateBounds(keys map[QuotaKey]bool) []error {
	var errs []error
	for _, b := range []struct {
		name   string
		values map[QuotaKey]float64
	}{{"floor", t.Floor}, {"ceiling", t.Ceiling}} {
		for _, k := range slices.Sorted(mapKeysOf(b.values)) {
			v := b.values[k]
			switch {
			case !keys[k]:
				errs = append(errs, fmt.Errorf("tenant %s: %s sets %s, which is not among the keys shared (%s)", t.Name, b.name, k, joinKeys(slices.Sorted(mapKeysOf(keys)))))
			case !finite(v) || v < 0:
				errs = append(errs, fmt.Errorf("tenant %s: %s %s = %s must be a finite number, 0 or more", t.Name, b.name, k, formatInput(v)))
			case IsIntegral(k) && v != math.Trunc(v):
				errs = append(errs, fmt.Errorf("tenant %s: %s %s = %s: Kafka stores %s as a whole number; use %s or %s",
					t.Name, b.name, k, formatInput(v), k, formatNumber(math.Floor(v)), formatNumber(math.Ceil(v))))
			case b.name == "ceiling" && v < ShareGrain(k):
				errs = append(errs, fmt.Errorf("tenant %s: ceiling %s = %s is below the smallest quota, %s", t.Name, k, formatInput(v), shortValue(k, ShareGrain(k))))
			}
		}
	}
	for _, k := range slices.Sorted(mapKeysOf(t.Floor)) {
		if floor, ceiling := t.Floor[k], t.Ceiling[k]; ceiling > 0 && floor > ceiling {
			errs = append(errs, fmt.Errorf("tenant %s: floor %s = %s is above its ceiling %s", t.Name, k, shortValue(k, floor), shortValue(k, ceiling)))
		}
	}
	return errs
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func mapKeysOf[V any](m map[QuotaKey]V) func(func(QuotaKey) bool) {
	return func(yield func(QuotaKey) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// bounded is one tenant's bounds for one key, in grains.
type bounded struct {
	weight float64
	// lo is the floor, hi the upper bound (+Inf for none).
	lo, hi float64
	// hiByDemand is set when hi comes from demand rather than the ceiling.
	hiByDemand bool
}

func shareKey(req ShareRequest, key QuotaKey, tenants []ShareTenant) (KeyShare, error) {
	// Grains per unit: 1 for bytes, 100 for percent. Figures are
	// multiplied into grains and divided back, so 3333 grains read 33.33.
	perUnit := math.Round(1 / ShareGrain(key))
	available := req.Available[key]
	capacity := math.Max(0, downToGrain(available*perUnit))
	ks := KeyShare{Key: key, Available: available, Headroom: req.Headroom, Hysteresis: req.Hysteresis, DemandRead: req.UseDemand}
	if req.UseDemand {
		for _, t := range tenants {
			if _, ok := t.Demand[key]; ok {
				ks.DemandObserved = true
			}
		}
	}
	useDemand := req.UseDemand && ks.DemandObserved

	bounds := make([]bounded, len(tenants))
	grants := make([]Grant, len(tenants))
	floorsExceed := &FloorsExceedError{Key: key, Available: available}
	var floorSum float64
	for i, t := range tenants {
		b := bounded{weight: t.Weight, lo: 1, hi: math.Inf(1)}
		g := Grant{Tenant: t.Name, Weight: t.Weight}
		if f, ok := t.Floor[key]; ok && f > 0 {
			b.lo = math.Max(1, upToGrain(f*perUnit))
			g.FloorConfigured = true
		}
		floorsExceed.Floors = append(floorsExceed.Floors, TenantFloor{Tenant: t.Name, Floor: b.lo / perUnit, Configured: t.Floor[key] > 0})
		floorSum += b.lo
		if c, ok := t.Ceiling[key]; ok {
			b.hi = downToGrain(c * perUnit)
			g.Ceiling, g.HasCeiling = b.hi/perUnit, true
		}
		if useDemand {
			g.Demand, g.DemandKnown = t.Demand[key], true
			g.Throttled = t.Throttled[key]
			if wanted := math.Max(b.lo, t.Demand[key]*req.Headroom*perUnit); !g.Throttled && wanted < b.hi {
				b.hi, b.hiByDemand = wanted, true
			}
		}
		if cur, ok := t.Current[key]; ok {
			g.Current, g.HasCurrent = cur, true
		}
		g.Floor = b.lo / perUnit
		bounds[i], grants[i] = b, g
		ks.TotalWeight += t.Weight
	}
	if floorSum > capacity {
		floorsExceed.Sum = floorSum / perUnit
		return KeyShare{}, floorsExceed
	}

	levels := newSweep(bounds)
	level := levels.level(capacity, -1)
	quotas := make([]float64, len(bounds))
	var sum float64
	for i, b := range bounds {
		exact := clamp(b.weight*level, b.lo, b.hi)
		quotas[i] = math.Max(b.lo, math.Floor(exact))
		sum += quotas[i]
		g := &grants[i]
		g.ComputedReason = b.reason(level)
		// The share: the level this tenant would reach with no upper
		// bound of its own.
		share := b.weight * levels.level(capacity, i)
		if b.lo > share {
			share = b.lo
		}
		g.Share = math.Floor(share) / perUnit
	}
	trim(quotas, bounds, sum-capacity)
	keepCurrent(quotas, bounds, grants, capacity, perUnit, req.Hysteresis)

	ks.Allocated = 0
	for i := range grants {
		g := &grants[i]
		g.Quota = quotas[i] / perUnit
		if g.Reason == "" {
			g.Computed, g.Reason = g.Quota, g.ComputedReason
		}
		ks.Allocated += quotas[i]
	}
	ks.Allocated /= perUnit
	ks.Grants = grants
	return ks, nil
}

// reason names the bound that decides a tenant's quota at level.
func (b bounded) reason(level float64) ShareReason {
	want := b.weight * level
	switch {
	case b.lo >= want || b.lo >= b.hi:
		return ReasonFloor
	case b.hi < want && b.hiByDemand:
		return ReasonDemand
	case b.hi < want:
		return ReasonCeiling
	}
	return ReasonWeight
}

// sweep holds the points where a tenant starts to follow the water level
// (λ = lo ÷ weight) and stops (λ = hi ÷ weight), sorted, so that levels
// are found in one pass each.
type sweep struct {
	bounds []bounded
	events []sweepEvent
	floors float64
}

type sweepEvent struct {
	at    float64
	start bool
	i     int
}

func newSweep(bounds []bounded) sweep {
	s := sweep{bounds: bounds, events: make([]sweepEvent, 0, 2*len(bounds))}
	for i, b := range bounds {
		s.floors += b.lo
		s.events = append(s.events, sweepEvent{at: b.lo / b.weight, start: true, i: i})
		if !math.IsInf(b.hi, 1) {
			s.events = append(s.events, sweepEvent{at: b.hi / b.weight, i: i})
		}
	}
	slices.SortFunc(s.events, func(a, b sweepEvent) int {
		// Starts before stops at one point, so a tenant with lo = hi
		// starts and stops there; then by index, for a fixed order.
		return cmp.Or(cmp.Compare(a.at, b.at), compareBool(b.start, a.start), cmp.Compare(a.i, b.i))
	})
	return s
}

// level returns the level λ at which Σ clamp(weight × λ, lo, hi) equals
// capacity, or +Inf when the upper bounds add up to less. The tenant at
// index free, if not -1, is taken without its upper bound. The floors must
// add up to at most capacity.
//
// It keeps the sum of the fixed tenants' bounds and of the following
// tenants' weights, and computes the level from the final set alone,
// (capacity − fixed) ÷ weights, so that rounding errors do not accumulate
// across segments: 80 MB/s shared 1:3 is exactly 20 and 60 MB/s.
func (s sweep) level(capacity float64, free int) float64 {
	fixed, weights := s.floors, 0.0
	for _, e := range s.events {
		if !e.start && e.i == free {
			continue
		}
		if fixed+weights*e.at >= capacity {
			if weights <= 0 {
				// The floors alone fill the capacity.
				return e.at
			}
			return (capacity - fixed) / weights
		}
		b := s.bounds[e.i]
		if e.start {
			fixed -= b.lo
			weights += b.weight
		} else {
			fixed += b.hi
			weights -= b.weight
		}
	}
	if weights <= 0 {
		return math.Inf(1)
	}
	return (capacity - fixed) / weights
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// trim takes excess grains back from the largest quotas above their
// floors, in a fixed order. Rounding down makes the quotas add up to at
// most the capacity; this only matters when floating-point error put an
// exact quota a hair above a whole grain.
func trim(quotas []float64, bounds []bounded, excess float64) {
	for excess > 0 {
		best := -1
		for i := range quotas {
			if quotas[i] > bounds[i].lo && (best < 0 || quotas[i]-bounds[i].lo > quotas[best]-bounds[best].lo) {
				best = i
			}
		}
		if best < 0 {
			return
		}
		quotas[best]--
		excess--
	}
}

// keepCurrent applies hysteresis: see FairShare.
func keepCurrent(quotas []float64, bounds []bounded, grants []Grant, capacity, perUnit, hysteresis float64) {
	if hysteresis <= 0 {
		return
	}
	type candidate struct {
		i       int
		current float64
		cost    float64
	}
	var candidates []candidate
	for i, g := range grants {
		if !g.HasCurrent {
			continue
		}
		cur := g.Current * perUnit
		onGrain := math.Abs(cur-math.Round(cur)) < 1e-6
		cur = math.Round(cur)
		ceiling := math.Inf(1)
		if g.HasCeiling {
			ceiling = g.Ceiling * perUnit
		}
		if !onGrain || cur == quotas[i] || cur < bounds[i].lo || cur > ceiling || math.Abs(quotas[i]-cur) >= hysteresis*cur {
			continue
		}
		candidates = append(candidates, candidate{i: i, current: cur, cost: cur - quotas[i]})
	}
	slices.SortFunc(candidates, func(a, b candidate) int { return cmp.Or(cmp.Compare(a.cost, b.cost), cmp.Compare(a.i, b.i)) })
	sum := 0.0
	for _, q := range quotas {
		sum += q
	}
	for _, c := range candidates {
		if sum+c.cost > capacity {
			break
		}
		sum += c.cost
		g := &grants[c.i]
		g.Computed, g.Reason = quotas[c.i]/perUnit, ReasonHysteresis
		quotas[c.i] = c.current
	}
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(v, hi)) }

// upToGrain and downToGrain round a value in grains to a whole number,
// reading values within a millionth of a grain as that grain, so that
// 10.05 ÷ 0.01 is 1005 whichever way the division rounds.
func upToGrain(v float64) float64 {
	if r := math.Round(v); math.Abs(v-r) < 1e-6 {
		return r
	}
	return math.Ceil(v)
}

func downToGrain(v float64) float64 {
	if r := math.Round(v); math.Abs(v-r) < 1e-6 {
		return r
	}
	return math.Floor(v)
}

// Explain says in a sentence how g's quota of ks.Key came about, for a
// person reading a plan, such as "producer_byte_rate 12 MB/s (demand):
// demand 10 MB/s × 1.2 = 12 MB/s, below its weighted share of 20 MB/s; the
// rest goes to the others".
func (ks KeyShare) Explain(g Grant) string {
	key := ks.Key
	v := func(x float64) string { return shortValue(key, x) }
	head := fmt.Sprintf("%s %s (%s): ", key, v(g.Quota), g.Reason)
	wanted := ""
	if g.DemandKnown {
		wanted = fmt.Sprintf("demand %s × %s = %s", v(g.Demand), trimDecimals(ks.Headroom, 3), v(g.Demand*ks.Headroom))
	}
	var why string
	switch g.Reason {
	case ReasonHysteresis:
		return head + fmt.Sprintf("its current quota is kept, as the computed %s (%s) is within %s of it", v(g.Computed), g.ComputedReason, percent(ks.Hysteresis))
	case ReasonFloor:
		why = "its floor"
		if !g.FloorConfigured {
			why = "the smallest quota there is, as it has no floor"
		}
		if g.DemandKnown && !g.Throttled && g.Demand*ks.Headroom < g.Share {
			why += "; " + wanted + " is below it"
		} else {
			why += fmt.Sprintf("; its weighted share of %s is below it", v(g.Share))
		}
	case ReasonDemand:
		why = fmt.Sprintf("%s, below its weighted share of %s; the rest goes to the others", wanted, v(g.Share))
	case ReasonCeiling:
		why = fmt.Sprintf("its ceiling, below its weighted share of %s", v(g.Share))
	case ReasonWeight:
		why = fmt.Sprintf("its weighted share, weight %s of %s", trimDecimals(g.Weight, 3), trimDecimals(ks.TotalWeight, 3))
		if g.Quota > ks.Available*g.Weight/ks.TotalWeight+ShareGrain(key) {
			why += ", with what the tenants below their share leave"
		}
		if g.DemandKnown && !g.Throttled {
			why += "; " + wanted + " asks for at least that"
		}
	}
	if g.Throttled {
		why += "; a broker throttles it, so its observed rate shows its quota, not its demand"
	}
	if ks.DemandRead && !ks.DemandObserved {
		why += "; no tenant has traffic observed for this key, so it is shared by weight alone"
	}
	return head + why
}
