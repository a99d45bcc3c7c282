package metrics

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// The tenants in the fixture, with the per-broker quotas Status judges them
// against. User names hold '.', '-' and '@' as real SCRAM users do; the JMX
// exporter shows search@team-b URL-encoded, as Kafka names its metrics.
const (
	throttledUser = "team-a.orders"
	nearUser      = "search@team-b"
	idleUser      = "team-c.idle"
)

// Client ids in the fixture. decoyClient would match an unescaped
// "orders.batch" regular expression; legacyClient needs quoting in PromQL
// and in the exposition.
const (
	writerClient = "orders-writer"
	batchClient  = "orders.batch"
	decoyClient  = "ordersXbatch"
	searchClient = "search-api"
	legacyClient = `search"legacy`
)

// quotasFor returns per-broker quotas of 1 MB/s produce, 2 MB/s fetch and
// 50% request time on user=<user>, as tenancy.Resolve would.
func quotasFor(user string) map[tenancy.QuotaKey]tenancy.Effective {
	entity := tenancy.Entity{tenancy.User(user)}
	return map[tenancy.QuotaKey]tenancy.Effective{
		tenancy.ProducerByteRate:  {Value: 1e6, Entity: entity, Level: 3},
		tenancy.ConsumerByteRate:  {Value: 2e6, Entity: entity, Level: 3},
		tenancy.RequestPercentage: {Value: 50, Entity: entity, Level: 3},
	}
}

// broker1Exposition is what the first broker's JMX exporter serves with
// the DefaultNames rule: gauges with HELP and TYPE, labels in the
// exporter's order with its trailing comma, Java's float formatting, NaN
// for averages without samples, and request metrics from a rule without a
// type (untyped). team-aXorders is a decoy user that an unescaped "." in
// team-a.orders would match. team-c.idle has a user-level quota, so Kafka
// leaves the client-id tag off its MBeans.
const broker1Exposition = `# HELP kafka_server_produce_byte_rate Tracking byte-rate per user/client-id kafka.server:type=Produce
# TYPE kafka_server_produce_byte_rate gauge
kafka_server_produce_byte_rate{client_id="orders-writer",user="team-a.orders",} 650000.0
kafka_server_produce_byte_rate{client_id="orders.batch",user="team-a.orders",} 550000.0
kafka_server_produce_byte_rate{client_id="ordersXbatch",user="team-a.orders",} 9000000.0
kafka_server_produce_byte_rate{client_id="orders-writer",user="team-aXorders",} 5000000.0
kafka_server_produce_byte_rate{client_id="search-api",user="search%40team-b",} 850000.0
kafka_server_produce_byte_rate{client_id="search\"legacy",user="search%40team-b",} 30000.0
kafka_server_produce_byte_rate{user="team-c.idle",} 0.0
# HELP kafka_server_produce_throttle_time Tracking average throttle-time per user/client-id kafka.server:type=Produce
# TYPE kafka_server_produce_throttle_time gauge
kafka_server_produce_throttle_time{client_id="orders-writer",user="team-a.orders",} 120.5
kafka_server_produce_throttle_time{client_id="orders.batch",user="team-a.orders",} 340.0
kafka_server_produce_throttle_time{client_id="ordersXbatch",user="team-a.orders",} 999.0
kafka_server_produce_throttle_time{client_id="orders-writer",user="team-aXorders",} 800.0
kafka_server_produce_throttle_time{client_id="search-api",user="search%40team-b",} 0.0
kafka_server_produce_throttle_time{client_id="search\"legacy",user="search%40team-b",} 0.0
kafka_server_produce_throttle_time{user="team-c.idle",} NaN
# HELP kafka_server_fetch_byte_rate Tracking byte-rate per user/client-id kafka.server:type=Fetch
# TYPE kafka_server_fetch_byte_rate gauge
kafka_server_fetch_byte_rate{client_id="orders-writer",user="team-a.orders",} 0.0
kafka_server_fetch_byte_rate{client_id="orders.batch",user="team-a.orders",} 10000.0
kafka_server_fetch_byte_rate{client_id="ordersXbatch",user="team-a.orders",} 0.0
kafka_server_fetch_byte_rate{client_id="search-api",user="search%40team-b",} 1200000.0
kafka_server_fetch_byte_rate{client_id="search\"legacy",user="search%40team-b",} 0.0
kafka_server_fetch_byte_rate{user="team-c.idle",} 0.0
# HELP kafka_server_fetch_throttle_time Tracking average throttle-time per user/client-id kafka.server:type=Fetch
# TYPE kafka_server_fetch_throttle_time gauge
kafka_server_fetch_throttle_time{client_id="orders-writer",user="team-a.orders",} NaN
kafka_server_fetch_throttle_time{client_id="orders.batch",user="team-a.orders",} 0.0
kafka_server_fetch_throttle_time{client_id="ordersXbatch",user="team-a.orders",} 0.0
kafka_server_fetch_throttle_time{client_id="search-api",user="search%40team-b",} 0.0
kafka_server_fetch_throttle_time{user="team-c.idle",} NaN
# HELP kafka_server_request_request_time Tracking request-time per user/client-id kafka.server:type=Request
# TYPE kafka_server_request_request_time untyped
kafka_server_request_request_time{client_id="orders-writer",user="team-a.orders",} 12.5
kafka_server_request_request_time{client_id="orders.batch",user="team-a.orders",} 7.5
kafka_server_request_request_time{client_id="ordersXbatch",user="team-a.orders",} 1.0
kafka_server_request_request_time{client_id="search-api",user="search%40team-b",} 20.0
kafka_server_request_request_time{client_id="search\"legacy",user="search%40team-b",} 1.5
kafka_server_request_request_time{user="team-c.idle",} 0.0
# HELP kafka_server_request_throttle_time Tracking average throttle-time per user/client-id kafka.server:type=Request
# TYPE kafka_server_request_throttle_time untyped
kafka_server_request_throttle_time{client_id="orders-writer",user="team-a.orders",} 0.0
kafka_server_request_throttle_time{client_id="orders.batch",user="team-a.orders",} 0.0
kafka_server_request_throttle_time{client_id="ordersXbatch",user="team-a.orders",} 0.0
kafka_server_request_throttle_time{client_id="search-api",user="search%40team-b",} 0.0
kafka_server_request_throttle_time{user="team-c.idle",} NaN
# HELP jvm_threads_current Current thread count of a JVM
# TYPE jvm_threads_current gauge
jvm_threads_current 87.0
`

// broker2Exposition is the second broker: less traffic, no throttling,
// no fetch throttle series for search@team-b, and nothing from the decoy
// client.
const broker2Exposition = `# HELP kafka_server_produce_byte_rate Tracking byte-rate per user/client-id kafka.server:type=Produce
# TYPE kafka_server_produce_byte_rate gauge
kafka_server_produce_byte_rate{client_id="orders-writer",user="team-a.orders",} 300000.0
kafka_server_produce_byte_rate{client_id="orders.batch",user="team-a.orders",} 100000.0
kafka_server_produce_byte_rate{client_id="search-api",user="search%40team-b",} 200000.0
kafka_server_produce_byte_rate{user="team-c.idle",} 0.0
# HELP kafka_server_produce_throttle_time Tracking average throttle-time per user/client-id kafka.server:type=Produce
# TYPE kafka_server_produce_throttle_time gauge
kafka_server_produce_throttle_time{client_id="orders-writer",user="team-a.orders",} 0.0
kafka_server_produce_throttle_time{client_id="orders.batch",user="team-a.orders",} 0.0
kafka_server_produce_throttle_time{client_id="search-api",user="search%40team-b",} 0.0
kafka_server_produce_throttle_time{user="team-c.idle",} NaN
# HELP kafka_server_fetch_byte_rate Tracking byte-rate per user/client-id kafka.server:type=Fetch
# TYPE kafka_server_fetch_byte_rate gauge
kafka_server_fetch_byte_rate{client_id="orders-writer",user="team-a.orders",} 50000.0
kafka_server_fetch_byte_rate{client_id="search-api",user="search%40team-b",} 400000.0
kafka_server_fetch_byte_rate{user="team-c.idle",} 0.0
# HELP kafka_server_fetch_throttle_time Tracking average throttle-time per user/client-id kafka.server:type=Fetch
# TYPE kafka_server_fetch_throttle_time gauge
kafka_server_fetch_throttle_time{client_id="orders-writer",user="team-a.orders",} 0.0
kafka_server_fetch_throttle_time{user="team-c.idle",} NaN
# HELP kafka_server_request_request_time Tracking request-time per user/client-id kafka.server:type=Request
# TYPE kafka_server_request_request_time untyped
kafka_server_request_request_time{client_id="orders-writer",user="team-a.orders",} 3.0
kafka_server_request_request_time{client_id="search-api",user="search%40team-b",} 5.0
kafka_server_request_request_time{user="team-c.idle",} 0.0
# HELP kafka_server_request_throttle_time Tracking average throttle-time per user/client-id kafka.server:type=Request
# TYPE kafka_server_request_throttle_time untyped
kafka_server_request_throttle_time{client_id="orders-writer",user="team-a.orders",} 0.0
kafka_server_request_throttle_time{client_id="search-api",user="search%40team-b",} 0.0
kafka_server_request_throttle_time{user="team-c.idle",} NaN
`

// figures are one broker's expected observation, without the broker; nil
// entries are not observed.
type figures struct {
	produce, fetch, request                         *float64
	produceThrottle, fetchThrottle, requestThrottle *float64
}

func f(v float64) *float64 { return &v }

func (x figures) on(broker string) tenancy.Observation {
	return tenancy.Observation{
		Broker:                broker,
		ProduceBytesPerSecond: x.produce,
		FetchBytesPerSecond:   x.fetch,
		RequestTimePercent:    x.request,
		ProduceThrottleMs:     x.produceThrottle,
		FetchThrottleMs:       x.fetchThrottle,
		RequestThrottleMs:     x.requestThrottle,
	}
}

// expectation is what a Source should observe for one tenant on the two
// fixture brokers; a nil *figures means the broker reports nothing.
type expectation struct {
	name      string
	user      string
	clientIDs []string
	broker1   *figures
	broker2   *figures
}

// fixtureExpectations are the observations the fixture must yield,
// worked out by hand from the expositions above.
var fixtureExpectations = []expectation{
	{
		name:      "throttled tenant, its two clients summed, highest throttle time",
		user:      throttledUser,
		clientIDs: []string{writerClient, batchClient},
		broker1:   &figures{f(1.2e6), f(10000), f(20), f(340), f(0), f(0)},
		broker2:   &figures{f(400000), f(50000), f(3), f(0), f(0), f(0)},
	},
	{
		name:    "throttled tenant, every client id, the decoy client included",
		user:    throttledUser,
		broker1: &figures{f(10.2e6), f(10000), f(21), f(999), f(0), f(0)},
		broker2: &figures{f(400000), f(50000), f(3), f(0), f(0), f(0)},
	},
	{
		name:      "near-limit tenant, one client",
		user:      nearUser,
		clientIDs: []string{searchClient},
		broker1:   &figures{f(850000), f(1.2e6), f(20), f(0), f(0), f(0)},
		broker2:   &figures{f(200000), f(400000), f(5), f(0), nil, f(0)},
	},
	{
		name:      "a client id with a double quote, on one broker only",
		user:      nearUser,
		clientIDs: []string{legacyClient},
		broker1:   &figures{f(30000), f(0), f(1.5), f(0), nil, nil},
	},
	{
		name:    "idle tenant with a user-level quota: zero rates, NaN throttle times not observed",
		user:    idleUser,
		broker1: &figures{f(0), f(0), f(0), nil, nil, nil},
		broker2: &figures{f(0), f(0), f(0), nil, nil, nil},
	},
	{
		name:      "a client id the user-level series do not carry",
		user:      idleUser,
		clientIDs: []string{"idle-app"},
	},
	{
		name: "a user with no series",
		user: "team-z.unknown",
	},
}

// want returns the expected observations with the given broker names,
// sorted as Observe sorts them.
func (e expectation) want(broker1, broker2 string) []tenancy.Observation {
	var out []tenancy.Observation
	if e.broker1 != nil {
		out = append(out, e.broker1.on(broker1))
	}
	if e.broker2 != nil {
		out = append(out, e.broker2.on(broker2))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Broker < out[j].Broker })
	return out
}

// checkFixture runs every fixture expectation against src, a source for
// the two fixture brokers named broker1 and broker2, each in a subtest.
func checkFixture(t *testing.T, src Source, broker1, broker2 string) {
	t.Helper()
	for _, e := range fixtureExpectations {
		t.Run(e.name, func(t *testing.T) {
			got, err := src.Observe(context.Background(), e.user, e.clientIDs)
			if err != nil {
				t.Fatal(err)
			}
			assertObservations(t, got.Observations, e.want(broker1, broker2))
			if len(got.Warnings) != 0 {
				t.Errorf("unexpected warnings: %q", got.Warnings)
			}
		})
	}
}

// checkFixtureUsers reads every fixture user at once, and one user with no
// series, and checks each against its expectation without client ids.
func checkFixtureUsers(t *testing.T, src Source, broker1, broker2 string, window time.Duration) {
	t.Helper()
	users := []string{"team-z.unknown"}
	for _, e := range fixtureExpectations {
		if e.clientIDs == nil && !slices.Contains(users, e.user) {
			users = append(users, e.user)
		}
	}
	got, err := src.ObserveUsers(context.Background(), users, window)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range fixtureExpectations {
		if e.clientIDs != nil {
			continue
		}
		obs, ok := got.Observations[e.user]
		if ok && len(obs) == 0 {
			t.Errorf("%s: an empty entry; a user with nothing observed is absent", e.user)
		}
		assertObservations(t, obs, e.want(broker1, broker2))
	}
	if len(got.Warnings) != 0 {
		t.Errorf("unexpected warnings: %q", got.Warnings)
	}
}

// assertObservations fails t unless got equals want field by field, with
// nil and non-nil told apart.
func assertObservations(t *testing.T, got, want []tenancy.Observation) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d observations, want %d:\n got  %s\n want %s", len(got), len(want), describe(got), describe(want))
	}
	for i := range want {
		if describe(got[i:i+1]) != describe(want[i:i+1]) {
			t.Errorf("observation %d:\n got  %s\n want %s", i, describe(got[i:i+1]), describe(want[i:i+1]))
		}
	}
}

// describe prints observations with every field, nil as "-", so that a
// failure shows the difference.
func describe(obs []tenancy.Observation) string {
	v := func(p *float64) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprint(*p)
	}
	var parts []string
	for _, o := range obs {
		parts = append(parts, fmt.Sprintf("{broker %s: produce %s fetch %s request %s | throttle produce %s fetch %s request %s}",
			o.Broker, v(o.ProduceBytesPerSecond), v(o.FetchBytesPerSecond), v(o.RequestTimePercent),
			v(o.ProduceThrottleMs), v(o.FetchThrottleMs), v(o.RequestThrottleMs)))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// exporter serves an exposition as the JMX exporter does, in the classic
// text format.
func exporter(t *testing.T, exposition string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", string(expfmt.NewFormat(expfmt.TypeTextPlain)))
		_, _ = w.Write([]byte(exposition))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// hangingServer accepts requests and never answers them, until the
// client gives up or the test ends.
func hangingServer(t *testing.T) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	// Cleanups run last first: release the handlers, then close.
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	return srv
}

// parseExposition decodes a fixture with expfmt, failing t on error.
func parseExposition(t *testing.T, exposition string) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(exposition))
	if err != nil {
		t.Fatalf("parsing the fixture: %v", err)
	}
	return fams
}

// encode writes families in format, in name order.
func encode(t *testing.T, fams map[string]*dto.MetricFamily, format expfmt.Format) []byte {
	t.Helper()
	names := make([]string, 0, len(fams))
	for name := range fams {
		names = append(names, name)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, format)
	for _, name := range names {
		if err := enc.Encode(fams[name]); err != nil {
			t.Fatalf("encoding %s as %s: %v", name, format, err)
		}
	}
	if closer, ok := enc.(expfmt.Closer); ok {
		if err := closer.Close(); err != nil {
			t.Fatalf("closing the %s encoder: %v", format, err)
		}
	}
	return buf.Bytes()
}

// asGauges returns the families with untyped ones turned into gauges, as
// an exporter whose rules all say type: GAUGE serves them.
func asGauges(fams map[string]*dto.MetricFamily) map[string]*dto.MetricFamily {
	out := map[string]*dto.MetricFamily{}
	for name, mf := range fams {
		if mf.GetType() == dto.MetricType_UNTYPED {
			mf.Type = dto.MetricType_GAUGE.Enum()
			for _, m := range mf.GetMetric() {
				m.Gauge = &dto.Gauge{Value: m.GetUntyped().Value}
				m.Untyped = nil
			}
		}
		out[name] = mf
	}
	return out
}
