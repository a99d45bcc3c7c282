package metrics

import (
	"errors"
	"fmt"
	"strings"

	"github.com/prometheus/common/model"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// Names are the Prometheus metric and label names a Source reads. Kafka
// fixes the MBeans; the names depend on the JMX exporter rules a cluster
// runs, so every one can be overridden. A field left empty takes its value
// from DefaultNames, except RequestTypeLabel, which stays empty unless set.
type Names struct {
	// BrokerLabel is the label that tells brokers apart in the Prometheus
	// API. The default, instance, is the scrape target, which is one per
	// broker when each broker runs its own exporter. TextEndpoints use it
	// when a series carries it and the endpoint URL otherwise.
	BrokerLabel string
	// ClientIDLabel is the label holding the MBean's client-id tag.
	ClientIDLabel string
	// FetchByteRate is the gauge of type=Fetch's byte-rate, in bytes per
	// second.
	FetchByteRate string
	// FetchThrottleTime is the gauge of type=Fetch's throttle-time, the
	// average throttle time in milliseconds.
	FetchThrottleTime string
	// ProduceByteRate is the gauge of type=Produce's byte-rate, in bytes
	// per second.
	ProduceByteRate string
	// ProduceThrottleTime is the gauge of type=Produce's throttle-time, the
	// average throttle time in milliseconds.
	ProduceThrottleTime string
	// RequestThrottleTime is the gauge of type=Request's throttle-time, the
	// average throttle time in milliseconds.
	RequestThrottleTime string
	// RequestTime is the gauge of type=Request's request-time, the request
	// handler and network thread time used, in percent of one thread.
	RequestTime string
	// RequestTypeLabel, when set, is a label holding the MBean type
	// (Produce, Fetch or Request), for rules that give the three types one
	// metric name and tell them apart by label, as JMXExporterExampleNames
	// does. Empty means the metric names alone select the type.
	RequestTypeLabel string
	// UserLabel is the label holding the MBean's user tag: the user name
	// URL-encoded the way Kafka encodes it in metric names.
	UserLabel string
}

// DefaultNames returns the names the common JMX exporter rule for Kafka's
// quota MBeans produces, the rule Confluent's jmx-monitoring-stacks and
// Confluent for Kubernetes ship for brokers. With lowercaseOutputName and
// lowercaseOutputLabelNames on, it matches
//
//	kafka.server<type=(Produce|Fetch|Request), user=(.+), client-id=(.+)><>(.+):
//
// names the gauge kafka_server_$1_$4 and labels it user="$2" and
// client-id="$3", with a second rule of the same shape for MBeans without a
// client-id (Kafka drops the tag when a quota applies to the user as a
// whole). The exporter lowercases the name and replaces characters that
// Prometheus names cannot hold, so byte-rate on type=Produce becomes
// kafka_server_produce_byte_rate and the client-id label becomes client_id.
// Each broker's exporter is its own scrape target, told apart by instance.
func DefaultNames() Names {
	return Names{
		BrokerLabel:         "instance",
		ClientIDLabel:       "client_id",
		FetchByteRate:       "kafka_server_fetch_byte_rate",
		FetchThrottleTime:   "kafka_server_fetch_throttle_time",
		ProduceByteRate:     "kafka_server_produce_byte_rate",
		ProduceThrottleTime: "kafka_server_produce_throttle_time",
		RequestThrottleTime: "kafka_server_request_throttle_time",
		RequestTime:         "kafka_server_request_request_time",
		UserLabel:           "user",
	}
}

// JMXExporterExampleNames returns the names of the other widespread rule,
// from the JMX exporter's own example configuration for Kafka
// (example_configs/kafka-2_0_0.yml), which Strimzi's example metrics
// configuration also carried for years. It matches
//
//	kafka.server<type=(.+), user=(.+), client-id=(.+)><>([a-z-]+)
//
// names the gauge kafka_server_quota_$4 and labels it resource="$1",
// user="$2" and clientId="$3", so the MBean type is a label:
// kafka_server_quota_byte_rate{resource="Produce"} is the produce byte
// rate. Note that this rule only matches MBeans that carry a client-id.
func JMXExporterExampleNames() Names {
	return Names{
		BrokerLabel:         "instance",
		ClientIDLabel:       "clientId",
		FetchByteRate:       "kafka_server_quota_byte_rate",
		FetchThrottleTime:   "kafka_server_quota_throttle_time",
		ProduceByteRate:     "kafka_server_quota_byte_rate",
		ProduceThrottleTime: "kafka_server_quota_throttle_time",
		RequestThrottleTime: "kafka_server_quota_throttle_time",
		RequestTime:         "kafka_server_quota_request_time",
		RequestTypeLabel:    "resource",
		UserLabel:           "user",
	}
}

// withDefaults returns n with every empty field except RequestTypeLabel
// taken from DefaultNames.
func (n Names) withDefaults() Names {
	d := DefaultNames()
	fill := func(v *string, def string) {
		if *v == "" {
			*v = def
		}
	}
	fill(&n.BrokerLabel, d.BrokerLabel)
	fill(&n.ClientIDLabel, d.ClientIDLabel)
	fill(&n.FetchByteRate, d.FetchByteRate)
	fill(&n.FetchThrottleTime, d.FetchThrottleTime)
	fill(&n.ProduceByteRate, d.ProduceByteRate)
	fill(&n.ProduceThrottleTime, d.ProduceThrottleTime)
	fill(&n.RequestThrottleTime, d.RequestThrottleTime)
	fill(&n.RequestTime, d.RequestTime)
	fill(&n.UserLabel, d.UserLabel)
	return n
}

// Validate reports every name that Prometheus would not accept in a
// selector, and labels that would collide, after filling empty fields from
// DefaultNames. Names are checked with Prometheus' classic rules (metric
// names [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*), which
// are the names the JMX exporter produces. The error names the field as
// Names spells it, so the caller can map it to its own setting.
func (n Names) Validate() error {
	n = n.withDefaults()
	var errs []error
	for _, m := range observed {
		name := m.name(n)
		if !model.LegacyValidation.IsValidMetricName(name) {
			errs = append(errs, fmt.Errorf("%s %q is not a valid Prometheus metric name: use letters, digits, '_' and ':', not starting with a digit", m.field, name))
		}
	}
	labels := []struct{ field, name string }{
		{"BrokerLabel", n.BrokerLabel},
		{"ClientIDLabel", n.ClientIDLabel},
		{"RequestTypeLabel", n.RequestTypeLabel},
		{"UserLabel", n.UserLabel},
	}
	seen := map[string]string{}
	for _, l := range labels {
		if l.name == "" {
			continue // only RequestTypeLabel may be empty after withDefaults
		}
		switch {
		case !model.LegacyValidation.IsValidLabelName(l.name):
			errs = append(errs, fmt.Errorf("%s %q is not a valid Prometheus label name: use letters, digits and '_', not starting with a digit", l.field, l.name))
		case l.name == model.MetricNameLabel:
			errs = append(errs, fmt.Errorf("%s %q is the metric name, not a label", l.field, l.name))
		case seen[l.name] != "":
			errs = append(errs, fmt.Errorf("%s and %s are both %q; each must be a different label", seen[l.name], l.field, l.name))
		default:
			seen[l.name] = l.field
		}
	}
	if n.RequestTypeLabel == "" {
		errs = append(errs, sharedNames(n)...)
	}
	return errors.Join(errs...)
}

// sharedNames reports metrics that share a name while no RequestTypeLabel
// tells them apart, which would count one series as several.
func sharedNames(n Names) []error {
	var errs []error
	first := map[string]string{}
	for _, m := range observed {
		name := m.name(n)
		if f, ok := first[name]; ok {
			errs = append(errs, fmt.Errorf("%s and %s are both %q; without RequestTypeLabel each must be a different metric", f, m.field, name))
			continue
		}
		first[name] = m.field
	}
	return errs
}

// aggregation is how a broker's series for one user combine.
type aggregation int

const (
	// sum adds the series: a user's client ids share its rate quota, so
	// their rates and request times add up against it.
	sum aggregation = iota
	// highest takes the largest: a throttle time is an average per
	// client, and the worst one says whether the broker throttles the
	// tenant.
	highest
)

// observedMetric is one of the six series a Source reads, with where its
// value goes in a tenancy.Observation.
type observedMetric struct {
	// field is the Names field, for errors.
	field string
	// requestType is the MBean type, matched by RequestTypeLabel.
	requestType string
	name        func(Names) string
	combine     aggregation
	value       func(*tenancy.Observation) **float64
}

// observed lists the metrics in the order of tenancy.Observation's fields.
var observed = []observedMetric{
	{"ProduceByteRate", "Produce", func(n Names) string { return n.ProduceByteRate }, sum, func(o *tenancy.Observation) **float64 { return &o.ProduceBytesPerSecond }},
	{"FetchByteRate", "Fetch", func(n Names) string { return n.FetchByteRate }, sum, func(o *tenancy.Observation) **float64 { return &o.FetchBytesPerSecond }},
	{"RequestTime", "Request", func(n Names) string { return n.RequestTime }, sum, func(o *tenancy.Observation) **float64 { return &o.RequestTimePercent }},
	{"ProduceThrottleTime", "Produce", func(n Names) string { return n.ProduceThrottleTime }, highest, func(o *tenancy.Observation) **float64 { return &o.ProduceThrottleMs }},
	{"FetchThrottleTime", "Fetch", func(n Names) string { return n.FetchThrottleTime }, highest, func(o *tenancy.Observation) **float64 { return &o.FetchThrottleMs }},
	{"RequestThrottleTime", "Request", func(n Names) string { return n.RequestThrottleTime }, highest, func(o *tenancy.Observation) **float64 { return &o.RequestThrottleMs }},
}

// kafkaSanitize encodes a user name the way Kafka's Sanitizer.sanitize
// does before using it as the user tag of a quota metric: URL encoding of
// the UTF-8 bytes, keeping only ASCII letters, digits, '.', '-' and '_'
// (Java's URLEncoder also keeps '*' and turns ' ' into '+', which Kafka
// then rewrites as %2A and %20). A SCRAM user alice@example.com appears in
// Prometheus as user="alice%40example.com".
func kafkaSanitize(name string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '-', c == '_':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0x0f])
		}
	}
	return b.String()
}
