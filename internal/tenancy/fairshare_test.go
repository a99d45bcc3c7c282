package tenancy

import (
	"errors"
	"math"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/quick"
)

// perKey builds a one-key map for test tenants.
func perKey(key QuotaKey, v float64) map[QuotaKey]float64 { return map[QuotaKey]float64{key: v} }

// produceShare is a request for producer_byte_rate alone over 80 MB/s.
func produceShare(tenants ...ShareTenant) ShareRequest {
	return ShareRequest{Keys: []QuotaKey{ProducerByteRate}, Available: perKey(ProducerByteRate, 80e6), Tenants: tenants, Headroom: 1.2}
}

func TestFairShare_table(t *testing.T) {
	type want struct {
		quota  float64
		reason ShareReason
		share  float64
	}
	demandOf := func(v float64) map[QuotaKey]float64 { return perKey(ProducerByteRate, v) }
	tests := []struct {
		name      string
		req       ShareRequest
		want      map[string]want
		allocated float64
		explain   map[string]string // substrings of Explain by tenant
	}{
		{
			name:      "weights alone, 1:3",
			req:       produceShare(ShareTenant{Name: "a", Weight: 1}, ShareTenant{Name: "b", Weight: 3}),
			want:      map[string]want{"a": {20e6, ReasonWeight, 20e6}, "b": {60e6, ReasonWeight, 60e6}},
			allocated: 80e6,
			explain:   map[string]string{"b": "producer_byte_rate 60 MB/s (weight): its weighted share, weight 3 of 4"},
		},
		{
			name: "a tenant below its share by demand leaves the rest to the other",
			req: withDemand(produceShare(
				ShareTenant{Name: "a", Weight: 1, Demand: demandOf(10e6)},
				ShareTenant{Name: "b", Weight: 3, Demand: demandOf(70e6)},
			)),
			want:      map[string]want{"a": {12e6, ReasonDemand, 20e6}, "b": {68e6, ReasonWeight, 68e6}},
			allocated: 80e6,
			explain: map[string]string{
				"a": "producer_byte_rate 12 MB/s (demand): demand 10 MB/s × 1.2 = 12 MB/s, below its weighted share of 20 MB/s; the rest goes to the others",
				"b": "its weighted share, weight 3 of 4, with what the tenants below their share leave; demand 70 MB/s × 1.2 = 84 MB/s asks for at least that",
			},
		},
		{
			name: "every tenant below its share leaves capacity unallocated",
			req: withDemand(produceShare(
				ShareTenant{Name: "a", Weight: 1, Demand: demandOf(10e6)},
				ShareTenant{Name: "b", Weight: 3, Demand: demandOf(20e6)},
			)),
			want:      map[string]want{"a": {12e6, ReasonDemand, 56e6}, "b": {24e6, ReasonDemand, 68e6}},
			allocated: 36e6,
		},
		{
			name: "a ceiling holds a tenant below its share",
			req: produceShare(
				ShareTenant{Name: "a", Weight: 1},
				ShareTenant{Name: "b", Weight: 3, Ceiling: perKey(ProducerByteRate, 50e6)},
			),
			want:      map[string]want{"a": {30e6, ReasonWeight, 30e6}, "b": {50e6, ReasonCeiling, 60e6}},
			allocated: 80e6,
			explain:   map[string]string{"b": "producer_byte_rate 50 MB/s (ceiling): its ceiling, below its weighted share of 60 MB/s"},
		},
		{
			name: "a floor above the share is honoured",
			req: produceShare(
				ShareTenant{Name: "a", Weight: 1, Floor: perKey(ProducerByteRate, 30e6)},
				ShareTenant{Name: "b", Weight: 3},
			),
			want:      map[string]want{"a": {30e6, ReasonFloor, 30e6}, "b": {50e6, ReasonWeight, 50e6}},
			allocated: 80e6,
			explain:   map[string]string{"a": "producer_byte_rate 30 MB/s (floor): its floor; its weighted share of"},
		},
		{
			name: "zero demand gets the floor",
			req: withDemand(produceShare(
				ShareTenant{Name: "idle", Weight: 1, Floor: perKey(ProducerByteRate, 5e6)},
				ShareTenant{Name: "busy", Weight: 1, Demand: demandOf(100e6)},
			)),
			want:      map[string]want{"idle": {5e6, ReasonFloor, 40e6}, "busy": {75e6, ReasonWeight, 75e6}},
			allocated: 80e6,
			explain:   map[string]string{"idle": "(floor): its floor; demand 0 B/s × 1.2 = 0 B/s is below it"},
		},
		{
			name: "zero demand without a floor gets the smallest quota",
			req: withDemand(produceShare(
				ShareTenant{Name: "idle", Weight: 1},
				ShareTenant{Name: "busy", Weight: 1, Demand: demandOf(100e6)},
			)),
			want:      map[string]want{"idle": {1, ReasonFloor, 40e6}, "busy": {80e6 - 1, ReasonWeight, 80e6 - 1}},
			allocated: 80e6,
			explain:   map[string]string{"idle": "producer_byte_rate 1 B/s (floor): the smallest quota there is, as it has no floor"},
		},
		{
			name: "no traffic observed for anyone shares by weight",
			req: withDemand(produceShare(
				ShareTenant{Name: "a", Weight: 1},
				ShareTenant{Name: "b", Weight: 3},
			)),
			want:      map[string]want{"a": {20e6, ReasonWeight, 20e6}, "b": {60e6, ReasonWeight, 60e6}},
			allocated: 80e6,
			explain:   map[string]string{"a": "no tenant has traffic observed for this key, so it is shared by weight alone"},
		},
		{
			name: "a throttled tenant is not capped by its observed rate",
			req: withDemand(produceShare(
				ShareTenant{Name: "a", Weight: 1, Demand: demandOf(5e6), Throttled: map[QuotaKey]bool{ProducerByteRate: true}},
				ShareTenant{Name: "b", Weight: 3, Demand: demandOf(5e6)},
			)),
			want:      map[string]want{"a": {74e6, ReasonWeight, 74e6}, "b": {6e6, ReasonDemand, 60e6}},
			allocated: 80e6,
			explain:   map[string]string{"a": "a broker throttles it, so its observed rate shows its quota, not its demand"},
		},
		{
			name: "a current quota within the hysteresis is kept",
			req: withHysteresis(produceShare(
				ShareTenant{Name: "a", Weight: 1, Current: perKey(ProducerByteRate, 19.5e6)},
				ShareTenant{Name: "b", Weight: 3, Current: perKey(ProducerByteRate, 66e6)},
			), 0.05),
			// b's current 66 MB/s is 10% off its 60 MB/s: changed.
			want:      map[string]want{"a": {19.5e6, ReasonHysteresis, 20e6}, "b": {60e6, ReasonWeight, 60e6}},
			allocated: 79.5e6,
			explain:   map[string]string{"a": "producer_byte_rate 19.5 MB/s (hysteresis): its current quota is kept, as the computed 20 MB/s (weight) is within 5% of it"},
		},
		{
			name: "a current quota is not kept when keeping it would overfill the scope",
			req: withHysteresis(produceShare(
				ShareTenant{Name: "a", Weight: 1, Current: perKey(ProducerByteRate, 20.5e6)},
				ShareTenant{Name: "b", Weight: 3, Current: perKey(ProducerByteRate, 60e6)},
			), 0.05),
			want:      map[string]want{"a": {20e6, ReasonWeight, 20e6}, "b": {60e6, ReasonWeight, 60e6}},
			allocated: 80e6,
		},
		{
			name: "lowering one kept quota makes room to keep a higher one",
			req: withHysteresis(produceShare(
				ShareTenant{Name: "a", Weight: 1, Current: perKey(ProducerByteRate, 20.5e6)},
				ShareTenant{Name: "b", Weight: 3, Current: perKey(ProducerByteRate, 59e6)},
			), 0.05),
			want:      map[string]want{"a": {20.5e6, ReasonHysteresis, 20e6}, "b": {59e6, ReasonHysteresis, 60e6}},
			allocated: 79.5e6,
		},
		{
			name: "request percentages in hundredths",
			req: ShareRequest{Keys: []QuotaKey{RequestPercentage}, Available: perKey(RequestPercentage, 100), Headroom: 1, Tenants: []ShareTenant{
				{Name: "a", Weight: 1}, {Name: "b", Weight: 1}, {Name: "c", Weight: 1},
			}},
			want:      map[string]want{"a": {33.33, ReasonWeight, 33.33}, "b": {33.33, ReasonWeight, 33.33}, "c": {33.33, ReasonWeight, 33.33}},
			allocated: 99.99,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := FairShare(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			ks := r.Keys[0]
			for name, w := range tt.want {
				g, ok := r.Grant(ks.Key, name)
				if !ok {
					t.Fatalf("no grant for %s", name)
				}
				if !near(g.Quota, w.quota) || g.Reason != w.reason || !near(g.Share, w.share) {
					t.Errorf("%s: quota %v (%s, share %v), want %v (%s, share %v)", name, g.Quota, g.Reason, g.Share, w.quota, w.reason, w.share)
				}
				if sub := tt.explain[name]; sub != "" && !strings.Contains(ks.Explain(g), sub) {
					t.Errorf("%s: explanation %q lacks %q", name, ks.Explain(g), sub)
				}
			}
			if !near(ks.Allocated, tt.allocated) {
				t.Errorf("allocated %v, want %v", ks.Allocated, tt.allocated)
			}
		})
	}
}

// checkProperty runs property on count random cases.
func checkProperty(t *testing.T, property any, count int) {
	t.Helper()
	if err := quick.Check(property, &quick.Config{MaxCount: count}); err != nil {
		t.Error(err)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func withDemand(r ShareRequest) ShareRequest { r.UseDemand = true; return r }

func withHysteresis(r ShareRequest, h float64) ShareRequest { r.Hysteresis = h; return r }

func TestFairShare_floorsDoNotFit(t *testing.T) {
	_, err := FairShare(produceShare(
		ShareTenant{Name: "a", Weight: 1, Floor: perKey(ProducerByteRate, 50e6)},
		ShareTenant{Name: "b", Weight: 1, Floor: perKey(ProducerByteRate, 40e6)},
		ShareTenant{Name: "c", Weight: 1},
	))
	var fe *FloorsExceedError
	if !errors.As(err, &fe) {
		t.Fatalf("got %v, want a FloorsExceedError", err)
	}
	if fe.Sum != 90e6+1 || fe.Available != 80e6 || len(fe.Floors) != 3 {
		t.Errorf("got %+v", fe)
	}
	want := "the producer_byte_rate floors add up to 90 MB/s (90000001 B/s) (a 50 MB/s, b 40 MB/s, c 1 B/s (no floor: the smallest quota)), more than the 80 MB/s (80000000 B/s) available"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}
}

func TestFairShare_invalid(t *testing.T) {
	tests := []struct {
		name string
		req  ShareRequest
		want string
	}{
		{"no keys", ShareRequest{Headroom: 1, Tenants: []ShareTenant{{Name: "a", Weight: 1}}}, "no quota keys to share"},
		{"controller mutation rate", ShareRequest{Keys: []QuotaKey{ControllerMutationRate}, Available: perKey(ControllerMutationRate, 10), Headroom: 1,
			Tenants: []ShareTenant{{Name: "a", Weight: 1}}}, `"controller_mutation_rate" cannot be shared`},
		{"zero weight", produceShare(ShareTenant{Name: "a"}), "tenant a: weight = 0 must be above 0"},
		{"floor above ceiling", produceShare(ShareTenant{Name: "a", Weight: 1, Floor: perKey(ProducerByteRate, 5e6), Ceiling: perKey(ProducerByteRate, 4e6)}),
			"tenant a: floor producer_byte_rate = 5 MB/s is above its ceiling 4 MB/s"},
		{"fractional bytes", produceShare(ShareTenant{Name: "a", Weight: 1, Floor: perKey(ProducerByteRate, 1000.5)}),
			"Kafka stores producer_byte_rate as a whole number; use 1000 or 1001"},
		{"floor of a key not shared", produceShare(ShareTenant{Name: "a", Weight: 1, Floor: perKey(ConsumerByteRate, 5)}),
			"floor sets consumer_byte_rate, which is not among the keys shared"},
		{"twice", produceShare(ShareTenant{Name: "a", Weight: 1}, ShareTenant{Name: "a", Weight: 2}), `tenant "a" is listed twice`},
		{"headroom below 1", ShareRequest{Keys: []QuotaKey{ProducerByteRate}, Available: perKey(ProducerByteRate, 1), Headroom: 0.5,
			Tenants: []ShareTenant{{Name: "a", Weight: 1}}}, "headroom = 0.5"},
		{"hysteresis of 1", withHysteresis(produceShare(ShareTenant{Name: "a", Weight: 1}), 1), "hysteresis = 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FairShare(tt.req)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// shareCase is a random fair-share request for testing/quick.
type shareCase struct{ req ShareRequest }

// Generate builds 1 to 8 tenants with random weights, and now and then a
// floor, a ceiling, observed demand, throttling and a current quota, for
// every shareable key over a random capacity.
func (shareCase) Generate(r *rand.Rand, _ int) reflect.Value {
	req := ShareRequest{Keys: slices.Clone(FairShareKeys), Available: map[QuotaKey]float64{}, Headroom: 1 + float64(r.Intn(5))/10, UseDemand: r.Intn(3) > 0}
	if r.Intn(2) == 0 {
		req.Hysteresis = 0.05
	}
	scale := map[QuotaKey]float64{ProducerByteRate: 1e8, ConsumerByteRate: 1e9, RequestPercentage: 1000}
	for _, k := range req.Keys {
		req.Available[k] = math.Floor(r.Float64() * scale[k])
		if k == RequestPercentage {
			req.Available[k] = r.Float64() * scale[k]
		}
	}
	value := func(k QuotaKey, limit float64) float64 {
		v := r.Float64() * limit
		if IsIntegral(k) {
			return math.Floor(v)
		}
		return math.Round(v*100) / 100
	}
	n := 1 + r.Intn(8)
	for i := range n {
		t := ShareTenant{Name: string(rune('a' + i)), Weight: float64(1+r.Intn(40)) / 4,
			Floor: map[QuotaKey]float64{}, Ceiling: map[QuotaKey]float64{}, Demand: map[QuotaKey]float64{}, Throttled: map[QuotaKey]bool{}, Current: map[QuotaKey]float64{}}
		for _, k := range req.Keys {
			limit := req.Available[k]
			if r.Intn(3) == 0 {
				t.Floor[k] = value(k, limit/float64(n)*1.3)
			}
			if r.Intn(3) == 0 {
				t.Ceiling[k] = math.Max(t.Floor[k], value(k, limit)) + ShareGrain(k)
			}
			if r.Intn(4) > 0 {
				t.Demand[k] = value(k, limit/float64(n)*2)
				if r.Intn(10) == 0 {
					t.Demand[k] = 0
				}
			}
			t.Throttled[k] = r.Intn(8) == 0
			if r.Intn(2) == 0 {
				t.Current[k] = value(k, limit/float64(n)*1.5) + ShareGrain(k)
			}
		}
		req.Tenants = append(req.Tenants, t)
	}
	return reflect.ValueOf(shareCase{req})
}

// effectiveFloor is a tenant's floor as the properties expect it: its
// floor rounded up to a grain, at least one grain.
func effectiveFloor(t ShareTenant, k QuotaKey) float64 {
	g := ShareGrain(k)
	return math.Max(g, math.Ceil(t.Floor[k]/g-1e-6)*g)
}

func floorsFit(req ShareRequest, k QuotaKey) bool {
	sum := 0.0
	for _, t := range req.Tenants {
		sum += effectiveFloor(t, k)
	}
	return sum <= req.Available[k]+1e-9
}

// shareProperties checks what must hold of every result.
func shareProperties(t *testing.T, req ShareRequest, r ShareResult, err error) bool {
	t.Helper()
	fit := true
	for _, k := range req.Keys {
		fit = fit && floorsFit(req, k)
	}
	var fe *FloorsExceedError
	if !fit {
		if !errors.As(err, &fe) {
			t.Errorf("floors do not fit, got %v", err)
			return false
		}
		return true
	}
	if err != nil {
		t.Errorf("floors fit, got %v", err)
		return false
	}
	ok := true
	for _, ks := range r.Keys {
		sum := 0.0
		for _, g := range ks.Grants {
			sum += g.Quota
			tenant := req.Tenants[slices.IndexFunc(req.Tenants, func(t ShareTenant) bool { return t.Name == g.Tenant })]
			grain := ShareGrain(ks.Key)
			if g.Quota < effectiveFloor(tenant, ks.Key)-1e-9 {
				t.Errorf("%s %s: %v below its floor %v", g.Tenant, ks.Key, g.Quota, effectiveFloor(tenant, ks.Key))
				ok = false
			}
			if c, has := tenant.Ceiling[ks.Key]; has && g.Quota > c+1e-9 {
				t.Errorf("%s %s: %v above its ceiling %v", g.Tenant, ks.Key, g.Quota, c)
				ok = false
			}
			if units := g.Quota / grain; math.Abs(units-math.Round(units)) > 1e-6 {
				t.Errorf("%s %s: %v is not a whole number of %v", g.Tenant, ks.Key, g.Quota, grain)
				ok = false
			}
		}
		if sum > ks.Available+1e-9 || !near(sum, ks.Allocated) {
			t.Errorf("%s: quotas add up to %v (reported %v) with %v available", ks.Key, sum, ks.Allocated, ks.Available)
			ok = false
		}
	}
	return ok
}

func TestFairShare_properties(t *testing.T) {
	property := func(c shareCase) bool {
		r, err := FairShare(c.req)
		return shareProperties(t, c.req, r, err)
	}
	checkProperty(t, property, 3000)
}

// A tenant with no traffic gets its floor, when some tenant has traffic
// and nothing else (hysteresis, a throttle) intervenes.
func TestFairShare_zeroDemandGetsFloor(t *testing.T) {
	property := func(c shareCase) bool {
		req := c.req
		req.UseDemand, req.Hysteresis = true, 0
		idle := &req.Tenants[0]
		for _, k := range req.Keys {
			delete(idle.Demand, k)
			idle.Throttled[k] = false
			if len(req.Tenants) > 1 {
				req.Tenants[1].Demand[k] = 1
			}
		}
		r, err := FairShare(req)
		if err != nil || len(req.Tenants) == 1 {
			return true
		}
		for _, k := range req.Keys {
			g, _ := r.Grant(k, idle.Name)
			if !near(g.Quota, effectiveFloor(*idle, k)) || g.Reason != ReasonFloor {
				t.Errorf("%s %s: %v (%s), want its floor %v", idle.Name, k, g.Quota, g.Reason, effectiveFloor(*idle, k))
				return false
			}
		}
		return true
	}
	checkProperty(t, property, 2000)
}

func TestFairShare_doublingWeightNeverLowersQuota(t *testing.T) {
	property := func(c shareCase, pick uint8) bool {
		req := c.req
		req.Hysteresis = 0
		before, err := FairShare(req)
		if err != nil {
			return true
		}
		i := int(pick) % len(req.Tenants)
		req.Tenants = slices.Clone(req.Tenants)
		req.Tenants[i].Weight *= 2
		after, err := FairShare(req)
		if err != nil {
			t.Errorf("doubling a weight failed: %v", err)
			return false
		}
		for _, k := range req.Keys {
			b, _ := before.Grant(k, req.Tenants[i].Name)
			a, _ := after.Grant(k, req.Tenants[i].Name)
			if a.Quota < b.Quota {
				t.Errorf("%s %s: weight %v → %v lowered the quota from %v to %v", req.Tenants[i].Name, k, b.Weight, a.Weight, b.Quota, a.Quota)
				return false
			}
		}
		return true
	}
	checkProperty(t, property, 2000)
}

func TestFairShare_orderDoesNotMatter(t *testing.T) {
	property := func(c shareCase, seed int64) bool {
		want, werr := FairShare(c.req)
		req := c.req
		rng := rand.New(rand.NewSource(seed)) //nolint:gosec // a reproducible shuffle, not a secret
		req.Tenants = slices.Clone(req.Tenants)
		rng.Shuffle(len(req.Tenants), func(i, j int) { req.Tenants[i], req.Tenants[j] = req.Tenants[j], req.Tenants[i] })
		got, gerr := FairShare(req)
		if (werr == nil) != (gerr == nil) || !reflect.DeepEqual(want, got) {
			t.Errorf("reordering the tenants changed the result:\n%+v\n%+v", want, got)
			return false
		}
		return true
	}
	checkProperty(t, property, 1000)
}

// Applying a result and computing again from the same inputs proposes no
// change: with the quotas now current, the same quotas come out, whether
// they were computed or kept by hysteresis. This is what keeps a
// no-change plan empty.
func TestFairShare_resultIsAFixedPoint(t *testing.T) {
	property := func(c shareCase) bool {
		first, err := FairShare(c.req)
		if err != nil {
			return true
		}
		req := c.req
		req.Tenants = slices.Clone(req.Tenants)
		for i := range req.Tenants {
			current := map[QuotaKey]float64{}
			for _, k := range req.Keys {
				g, _ := first.Grant(k, req.Tenants[i].Name)
				current[k] = g.Quota
			}
			req.Tenants[i].Current = current
		}
		second, err := FairShare(req)
		if err != nil {
			t.Errorf("second run failed: %v", err)
			return false
		}
		for _, ks := range first.Keys {
			for _, g := range ks.Grants {
				again, _ := second.Grant(ks.Key, g.Tenant)
				if again.Quota != g.Quota {
					t.Errorf("%s %s: %v, then %v", g.Tenant, ks.Key, g.Quota, again.Quota)
					return false
				}
			}
		}
		return true
	}
	checkProperty(t, property, 2000)
}

// When some tenant takes its weighted share, nothing is left idle beyond
// the rounding to grains.
func TestFairShare_fillsTheScopeWhenSomeoneWantsMore(t *testing.T) {
	property := func(c shareCase) bool {
		req := c.req
		req.Hysteresis = 0
		r, err := FairShare(req)
		if err != nil {
			return true
		}
		for _, ks := range r.Keys {
			weighted := slices.ContainsFunc(ks.Grants, func(g Grant) bool { return g.Reason == ReasonWeight })
			slack := float64(len(ks.Grants)+1) * ShareGrain(ks.Key)
			if weighted && ks.Allocated < ks.Available-slack {
				t.Errorf("%s: %v of %v allocated while a tenant wants more", ks.Key, ks.Allocated, ks.Available)
				return false
			}
		}
		return true
	}
	checkProperty(t, property, 2000)
}

func BenchmarkFairShare(b *testing.B) {
	var c shareCase
	rng := rand.New(rand.NewSource(1)) //nolint:gosec // reproducible benchmark input, not a secret
	req := ShareRequest{Keys: slices.Clone(FairShareKeys), Available: map[QuotaKey]float64{ProducerByteRate: 1e9, ConsumerByteRate: 1e9, RequestPercentage: 10000},
		Headroom: 1.2, UseDemand: true, Hysteresis: 0.05}
	for i := range 500 {
		t := c.Generate(rng, 0).Interface().(shareCase).req.Tenants[0]
		t.Name = "tenant-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		t.Floor, t.Ceiling = nil, nil
		req.Tenants = append(req.Tenants, t)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := FairShare(req); err != nil {
			b.Fatal(err)
		}
	}
}
