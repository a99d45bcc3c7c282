// Package metrics reads what Kafka's brokers report about one tenant's
// traffic and throttling from Prometheus, and turns it into the per-broker
// tenancy.Observation values that tenancy.Status judges.
//
// Kafka keeps, for every quota entity that sends requests, three sensors
// per broker: kafka.server:type=Produce and type=Fetch (attributes
// byte-rate and throttle-time) and type=Request (request-time and
// throttle-time), tagged with the entity's user and client-id. The JMX
// exporter turns them into Prometheus series; Names says which series and
// labels to read, with defaults for the common exporter rule.
//
// Two sources read them, behind the Source interface:
//
//   - PrometheusAPI runs instant queries against a Prometheus server's HTTP
//     API, where each broker's exporter is a scrape target told apart by a
//     label (instance by default).
//   - TextEndpoints fetches each broker's exporter endpoint (/metrics)
//     directly and parses the exposition with prometheus/common/expfmt;
//     each endpoint stands for one broker.
//
// Both sum a user's byte rates and request time across its client ids on
// each broker, because the client ids of a user share the user's quota,
// and take the highest throttle time, because any throttled client means
// the broker is throttling the tenant. A series that is absent, or whose
// value is NaN (what Kafka reports for an average with no samples in its
// window), is "not observed": the field stays nil, never zero.
//
// ObserveUsers reads many users in one pass, for the fair share's observed
// demand: TextEndpoints fetch each endpoint once, PrometheusAPI sends one
// query per metric for all users. Over a window, PrometheusAPI asks for
// the highest per-broker value (rates of a user's client ids summed first)
// with a subquery; the text endpoints only know the present values, which
// are Kafka's own rates over its quota window (11 seconds by default).
//
// A user's series carry its name as Kafka writes it in metric names, URL
// encoded (alice@example.com becomes alice%40example.com); the sources
// encode the name they are given the same way. With a quota on the user as
// a whole, Kafka's MBeans have no client-id, so asking for particular
// client ids finds nothing: ask for none to read the user's series. When
// the cluster has no user quotas at all (none, or client-id quotas only),
// Kafka tags its sensors with the client id alone, so no series names the
// user and a Source observes nothing for it.
//
// Nothing here logs. Credentials for the Prometheus API or the endpoints
// are held only in the HTTP round trippers and never appear in errors.
package metrics
