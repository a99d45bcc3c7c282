package tenancy

import (
	"fmt"
	"strings"
)

// ThrottleState summarises whether Kafka is throttling a tenant.
type ThrottleState string

// The throttle states, in the order Status decides them.
const (
	// StateUnlimited: no producer_byte_rate, consumer_byte_rate or
	// request_percentage quota applies, so Kafka has nothing to throttle
	// against.
	StateUnlimited ThrottleState = "unlimited"
	// StateUnknown: quotas apply, but no metrics source is configured. The
	// Kafka admin protocol cannot see another principal's throttling, so
	// the provider says it does not know rather than guess.
	StateUnknown ThrottleState = "unknown"
	// StateThrottled: some broker reports a throttle time above zero.
	StateThrottled ThrottleState = "throttled"
	// StateOverQuota: some broker sees a rate above its quota, but no
	// broker reports a throttle time yet. Kafka throttles once a quota
	// window has seen the excess, and its throttle-time metric is an
	// average that lags behind, so this is the moment just before
	// throttled; it is never near_limit, which means below the quota.
	StateOverQuota ThrottleState = "over_quota"
	// StateNearLimit: some broker sees a rate at or above the near-limit
	// fraction of its quota, up to the quota itself, without throttling.
	StateNearLimit ThrottleState = "near_limit"
	// StateOK: quotas apply, metrics are available, and every observed
	// rate is below the near-limit fraction with no throttling.
	StateOK ThrottleState = "ok"
)

// ThrottleStates lists every state in the order Status decides them, for
// schema descriptions and validators.
var ThrottleStates = []ThrottleState{StateUnlimited, StateUnknown, StateThrottled, StateOverQuota, StateNearLimit, StateOK}

// DefaultNearFraction is the share of a quota from which a rate counts as
// near the limit, inclusive, when the caller gives no valid fraction: a
// rate at exactly 80% of its quota is near_limit.
const DefaultNearFraction = 0.8

// Observation is what a metrics source reports for one tenant on one
// broker, from the JMX exporter's per-user series. A nil field was not
// observed.
type Observation struct {
	// Broker identifies the broker, such as its id or scrape target.
	Broker string
	// ProduceBytesPerSecond is the produce byte rate
	// (kafka_server_produce_byte_rate).
	ProduceBytesPerSecond *float64
	// FetchBytesPerSecond is the fetch byte rate
	// (kafka_server_fetch_byte_rate).
	FetchBytesPerSecond *float64
	// RequestTimePercent is the request time used, in percent of one
	// thread (kafka_server_request_request_time).
	RequestTimePercent *float64
	// ProduceThrottleMs is the average produce throttle time in
	// milliseconds (kafka_server_produce_throttle_time).
	ProduceThrottleMs *float64
	// FetchThrottleMs is the average fetch throttle time in milliseconds
	// (kafka_server_fetch_throttle_time).
	FetchThrottleMs *float64
	// RequestThrottleMs is the average request throttle time in
	// milliseconds (kafka_server_request_throttle_time).
	RequestThrottleMs *float64
}

// Utilisation is how close one key came to its quota on the busiest
// broker.
type Utilisation struct {
	// Key is the quota key.
	Key QuotaKey
	// Limited is true when a quota applies to Key.
	Limited bool
	// Quota is the per-broker quota, when Limited.
	Quota Effective
	// Observed is true when some broker reported the rate.
	Observed bool
	// Peak is the highest per-broker rate observed.
	Peak float64
	// PeakBroker is the broker Peak was observed on.
	PeakBroker string
	// Fraction is Peak ÷ Quota.Value, when Limited and Observed.
	Fraction float64
	// ThrottleMs is the highest throttle time observed for Key.
	ThrottleMs float64
	// ThrottleBroker is the broker ThrottleMs was observed on.
	ThrottleBroker string
}

// StatusReport is a tenant's throttle status.
type StatusReport struct {
	// State is the summary.
	State ThrottleState
	// Reason explains State in words, naming the brokers and quotas.
	Reason string
	// Utilisation holds producer_byte_rate, consumer_byte_rate and
	// request_percentage, in that order.
	Utilisation []Utilisation
}

// statusKeys are the keys Kafka throttles on a broker and the metrics
// that observe them.
var statusKeys = []struct {
	key      QuotaKey
	request  string
	rate     func(Observation) *float64
	throttle func(Observation) *float64
}{
	{ProducerByteRate, "produce", func(o Observation) *float64 { return o.ProduceBytesPerSecond }, func(o Observation) *float64 { return o.ProduceThrottleMs }},
	{ConsumerByteRate, "fetch", func(o Observation) *float64 { return o.FetchBytesPerSecond }, func(o Observation) *float64 { return o.FetchThrottleMs }},
	{RequestPercentage, "request", func(o Observation) *float64 { return o.RequestTimePercent }, func(o Observation) *float64 { return o.RequestThrottleMs }},
}

// Status decides a tenant's throttle state from the quotas that apply to it
// (from Resolve) and what the metrics source observed on each broker.
// Quotas are per broker, so each broker's rate is set against the quota on
// its own. The first state that holds wins:
//
//  1. unlimited: no producer, consumer or request quota applies; throttle
//     times are then not from client quotas and are not read.
//  2. unknown: haveMetrics is false, so nothing observed can be trusted.
//  3. throttled: any broker reports a throttle time above zero, the
//     strongest evidence there is.
//  4. over_quota: a rate observed on some broker is above its quota
//     (strictly: Kafka throttles only what exceeds the quota), with no
//     throttle time reported yet.
//  5. near_limit: a rate observed on some broker is at least nearFraction
//     of its quota (the boundary included) and at most the quota.
//  6. ok: otherwise, including when the metrics source has no series for
//     the tenant, which Kafka's per-user metrics mean no recent traffic.
//
// nearFraction outside (0, 1] is replaced by DefaultNearFraction.
func Status(effective map[QuotaKey]Effective, obs []Observation, haveMetrics bool, nearFraction float64) StatusReport {
	if nearFraction <= 0 || nearFraction > 1 {
		nearFraction = DefaultNearFraction
	}
	var report StatusReport
	var throttled, overQuota, near []string
	limited := false
	for _, sk := range statusKeys {
		u := utilisation(sk.key, effective, obs, sk.rate, sk.throttle)
		report.Utilisation = append(report.Utilisation, u)
		limited = limited || u.Limited
		if u.ThrottleMs > 0 {
			throttled = append(throttled, throttledText(u, sk.request))
		}
		switch {
		case u.Limited && u.Observed && u.Peak > u.Quota.Value:
			overQuota = append(overQuota, fmt.Sprintf("%s at %s of its %s quota on broker %s (%s observed) with no throttle time reported yet; Kafka throttles once a quota window has seen the excess",
				u.Key, percent(u.Fraction), shortValue(u.Key, u.Quota.Value), u.PeakBroker, shortValue(u.Key, u.Peak)))
		case u.Limited && u.Observed && u.Fraction >= nearFraction:
			near = append(near, fmt.Sprintf("%s at %s of its %s quota on broker %s (%s observed; near_limit from %s)",
				u.Key, percent(u.Fraction), shortValue(u.Key, u.Quota.Value), u.PeakBroker, shortValue(u.Key, u.Peak), percent(nearFraction)))
		}
	}
	switch {
	case !limited:
		report.State = StateUnlimited
		report.Reason = fmt.Sprintf("no %s, %s or %s quota applies, so Kafka never throttles this principal", ProducerByteRate, ConsumerByteRate, RequestPercentage)
	case !haveMetrics:
		report.State = StateUnknown
		report.Reason = "quotas apply, but no metrics source is configured; the Kafka admin protocol cannot show another principal's throttling, so configure a Prometheus source to see it"
	case len(throttled) > 0:
		report.State = StateThrottled
		report.Reason = strings.Join(throttled, "; ")
	case len(overQuota) > 0:
		report.State = StateOverQuota
		report.Reason = strings.Join(overQuota, "; ")
	case len(near) > 0:
		report.State = StateNearLimit
		report.Reason = strings.Join(near, "; ")
	case len(obs) == 0:
		report.State = StateOK
		report.Reason = "the metrics source has no series for this principal: Kafka creates them on traffic, so it has sent nothing recently to throttle"
	default:
		report.State = StateOK
		report.Reason = fmt.Sprintf("no broker throttles this principal and every observed rate is below %s of its quota", percent(nearFraction))
	}
	return report
}

func utilisation(key QuotaKey, effective map[QuotaKey]Effective, obs []Observation, rate, throttle func(Observation) *float64) Utilisation {
	u := Utilisation{Key: key}
	u.Quota, u.Limited = effective[key]
	for _, o := range obs {
		if r := rate(o); r != nil && (!u.Observed || *r > u.Peak) {
			u.Observed, u.Peak, u.PeakBroker = true, *r, o.Broker
		}
		if t := throttle(o); t != nil && *t > u.ThrottleMs {
			u.ThrottleMs, u.ThrottleBroker = *t, o.Broker
		}
	}
	if u.Limited && u.Observed && u.Quota.Value > 0 {
		u.Fraction = u.Peak / u.Quota.Value
	}
	return u
}

func throttledText(u Utilisation, request string) string {
	text := fmt.Sprintf("broker %s throttles %s requests (average throttle time %s ms)", u.ThrottleBroker, request, trimDecimals(u.ThrottleMs, 1))
	if u.Limited {
		text += fmt.Sprintf(" against %s %s from %s (level %d)", u.Key, shortValue(u.Key, u.Quota.Value), u.Quota.Entity, u.Quota.Level)
	}
	return text
}

func percent(fraction float64) string {
	return trimDecimals(fraction*100, 1) + "%"
}
