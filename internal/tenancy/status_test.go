package tenancy

import (
	"strings"
	"testing"
)

func ptr(v float64) *float64 { return &v }

func TestStatus(t *testing.T) {
	alice := Entity{User("alice")}
	quotas := map[QuotaKey]Effective{
		ProducerByteRate:  {Value: 10e6, Entity: alice, Level: 3},
		ConsumerByteRate:  {Value: 10e6, Entity: Entity{DefaultUser()}, Level: 6},
		RequestPercentage: {Value: 50, Entity: alice, Level: 3},
	}
	calm := Observation{Broker: "1", ProduceBytesPerSecond: ptr(2e6), FetchBytesPerSecond: ptr(3e6), RequestTimePercent: ptr(5), ProduceThrottleMs: ptr(0), FetchThrottleMs: ptr(0), RequestThrottleMs: ptr(0)}
	tests := []struct {
		name         string
		effective    map[QuotaKey]Effective
		obs          []Observation
		haveMetrics  bool
		nearFraction float64
		want         ThrottleState
		wantReason   string
	}{
		{
			name:        "no rate quota is unlimited, even with metrics",
			effective:   map[QuotaKey]Effective{ControllerMutationRate: {Value: 5, Entity: alice, Level: 3}},
			obs:         []Observation{{Broker: "1", ProduceThrottleMs: ptr(30)}},
			haveMetrics: true,
			want:        StateUnlimited,
			wantReason:  "no producer_byte_rate, consumer_byte_rate or request_percentage quota applies, so Kafka never throttles this principal",
		},
		{
			name:       "quotas without metrics are unknown",
			effective:  quotas,
			want:       StateUnknown,
			wantReason: "quotas apply, but no metrics source is configured; the Kafka admin protocol cannot show another principal's throttling, so configure a Prometheus source to see it",
		},
		{
			name:        "any throttle time is throttled",
			effective:   quotas,
			obs:         []Observation{calm, {Broker: "2", ProduceBytesPerSecond: ptr(9.9e6), ProduceThrottleMs: ptr(120)}},
			haveMetrics: true,
			want:        StateThrottled,
			wantReason:  "broker 2 throttles produce requests (average throttle time 120 ms) against producer_byte_rate 10 MB/s from user=alice (level 3)",
		},
		{
			name:        "throttled wins over near_limit",
			effective:   quotas,
			obs:         []Observation{{Broker: "1", FetchBytesPerSecond: ptr(9.5e6), RequestThrottleMs: ptr(2.5)}},
			haveMetrics: true,
			want:        StateThrottled,
			wantReason:  "broker 1 throttles request requests (average throttle time 2.5 ms) against request_percentage 50% from user=alice (level 3)",
		},
		{
			name:        "a rate at the near fraction on one broker is near_limit",
			effective:   quotas,
			obs:         []Observation{calm, {Broker: "3", FetchBytesPerSecond: ptr(9.2e6), FetchThrottleMs: ptr(0)}},
			haveMetrics: true,
			want:        StateNearLimit,
			wantReason:  "consumer_byte_rate at 92% of its 10 MB/s quota on broker 3 (9.2 MB/s observed; near_limit from 80%)",
		},
		{
			name:        "near_limit starts at the near fraction, inclusive",
			effective:   quotas,
			obs:         []Observation{{Broker: "1", ProduceBytesPerSecond: ptr(8e6), ProduceThrottleMs: ptr(0)}},
			haveMetrics: true,
			want:        StateNearLimit,
			wantReason:  "producer_byte_rate at 80% of its 10 MB/s quota on broker 1 (8 MB/s observed; near_limit from 80%)",
		},
		{
			name:        "just below the near fraction is ok",
			effective:   quotas,
			obs:         []Observation{{Broker: "1", ProduceBytesPerSecond: ptr(7999999)}},
			haveMetrics: true,
			want:        StateOK,
		},
		{
			name:        "a rate exactly at its quota is near_limit: Kafka throttles only the excess",
			effective:   quotas,
			obs:         []Observation{{Broker: "1", ProduceBytesPerSecond: ptr(10e6), ProduceThrottleMs: ptr(0)}},
			haveMetrics: true,
			want:        StateNearLimit,
		},
		{
			name:        "a rate above its quota with no throttle time yet is over_quota, not near_limit",
			effective:   quotas,
			obs:         []Observation{calm, {Broker: "2", ProduceBytesPerSecond: ptr(12e6), ProduceThrottleMs: ptr(0), FetchBytesPerSecond: ptr(9e6)}},
			haveMetrics: true,
			want:        StateOverQuota,
			wantReason:  "producer_byte_rate at 120% of its 10 MB/s quota on broker 2 (12 MB/s observed) with no throttle time reported yet; Kafka throttles once a quota window has seen the excess",
		},
		{
			name:        "throttled wins over over_quota",
			effective:   quotas,
			obs:         []Observation{{Broker: "2", ProduceBytesPerSecond: ptr(12e6), ProduceThrottleMs: ptr(40)}},
			haveMetrics: true,
			want:        StateThrottled,
		},
		{
			name:         "a higher near fraction is ok",
			effective:    quotas,
			obs:          []Observation{{Broker: "3", FetchBytesPerSecond: ptr(9.2e6)}},
			haveMetrics:  true,
			nearFraction: 0.95,
			want:         StateOK,
			wantReason:   "no broker throttles this principal and every observed rate is below 95% of its quota",
		},
		{
			name:         "an invalid near fraction falls back to the default",
			effective:    quotas,
			obs:          []Observation{{Broker: "1", RequestTimePercent: ptr(40)}},
			haveMetrics:  true,
			nearFraction: 7,
			want:         StateNearLimit,
			wantReason:   "request_percentage at 80% of its 50% quota on broker 1 (40% observed; near_limit from 80%)",
		},
		{
			name:        "calm is ok",
			effective:   quotas,
			obs:         []Observation{calm},
			haveMetrics: true,
			want:        StateOK,
			wantReason:  "no broker throttles this principal and every observed rate is below 80% of its quota",
		},
		{
			name:        "no series is ok and says why",
			effective:   quotas,
			haveMetrics: true,
			want:        StateOK,
			wantReason:  "the metrics source has no series for this principal: Kafka creates them on traffic, so it has sent nothing recently to throttle",
		},
		{
			name:        "a rate without a quota is never near its limit",
			effective:   map[QuotaKey]Effective{ProducerByteRate: {Value: 10e6, Entity: alice, Level: 3}},
			obs:         []Observation{{Broker: "1", FetchBytesPerSecond: ptr(1e12)}},
			haveMetrics: true,
			want:        StateOK,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Status(tt.effective, tt.obs, tt.haveMetrics, tt.nearFraction)
			if got.State != tt.want {
				t.Errorf("State = %s (%s), want %s", got.State, got.Reason, tt.want)
			}
			if tt.wantReason != "" && got.Reason != tt.wantReason {
				t.Errorf("Reason =\n %q\nwant\n %q", got.Reason, tt.wantReason)
			}
			if len(got.Utilisation) != 3 {
				t.Errorf("Utilisation has %d keys, want 3", len(got.Utilisation))
			}
		})
	}
}

func TestStatus_utilisationUsesTheBusiestBroker(t *testing.T) {
	effective := map[QuotaKey]Effective{ProducerByteRate: {Value: 10e6, Entity: Entity{User("alice")}, Level: 3}}
	obs := []Observation{
		{Broker: "1", ProduceBytesPerSecond: ptr(5e6), ProduceThrottleMs: ptr(0)},
		{Broker: "2", ProduceBytesPerSecond: ptr(7e6), ProduceThrottleMs: ptr(3)},
		{Broker: "3", ProduceBytesPerSecond: ptr(6e6), ProduceThrottleMs: ptr(1)},
		{Broker: "4"}, // nothing observed there
	}
	r := Status(effective, obs, true, 0.8)
	u := r.Utilisation[0]
	if u.Key != ProducerByteRate || !u.Limited || !u.Observed || u.Peak != 7e6 || u.PeakBroker != "2" || !approx(u.Fraction, 0.7) || u.ThrottleMs != 3 || u.ThrottleBroker != "2" {
		t.Errorf("Utilisation[0] = %+v", u)
	}
	c := r.Utilisation[1]
	if c.Key != ConsumerByteRate || c.Limited || c.Observed || c.Fraction != 0 {
		t.Errorf("Utilisation[1] = %+v, want consumer not limited and not observed", c)
	}
	if r.State != StateThrottled || !strings.Contains(r.Reason, "broker 2 throttles produce requests") {
		t.Errorf("State = %s, Reason = %q", r.State, r.Reason)
	}
}

func TestStatus_resolvedQuotas(t *testing.T) {
	// The status of a tenant with only a default quota comes from Resolve
	// and names where its quota came from.
	quotas := []Quota{{Entity: Entity{DefaultUser()}, Values: map[QuotaKey]float64{ProducerByteRate: 1e6}}}
	obs := []Observation{{Broker: "1", ProduceThrottleMs: ptr(10)}}
	r := Status(Resolve(quotas, "bob", "app"), obs, true, 0)
	want := "broker 1 throttles produce requests (average throttle time 10 ms) against producer_byte_rate 1 MB/s from user=<default> (level 6)"
	if r.State != StateThrottled || r.Reason != want {
		t.Errorf("Status = %s, %q; want throttled, %q", r.State, r.Reason, want)
	}
}
