package metrics

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// fakeAPI answers /api/v1/query with body and status for every query and
// records the queries. It stands in for Prometheus where a real server
// cannot be made to fail on cue; TestPrometheusAPI_Observe_realServer
// covers the real one.
type fakeAPI struct {
	mu      sync.Mutex
	queries []string
}

func (f *fakeAPI) serve(t *testing.T, status int, contentType, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/query" {
			http.NotFound(w, r)
			return
		}
		if err := r.ParseForm(); err != nil {
			t.Errorf("parsing the query form: %v", err)
		}
		f.mu.Lock()
		f.queries = append(f.queries, r.Form.Get("query"))
		f.mu.Unlock()
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

const emptyVector = `{"status":"success","data":{"resultType":"vector","result":[]}}`

func TestPrometheusAPI_Observe_queries(t *testing.T) {
	tests := []struct {
		name      string
		names     Names
		user      string
		clientIDs []string
		want      []string
	}{
		{
			name:  "every client id of a user with an encoded name",
			names: DefaultNames(),
			user:  nearUser,
			want: []string{
				`kafka_server_fetch_byte_rate{user="search%40team-b"}`,
				`kafka_server_fetch_throttle_time{user="search%40team-b"}`,
				`kafka_server_produce_byte_rate{user="search%40team-b"}`,
				`kafka_server_produce_throttle_time{user="search%40team-b"}`,
				`kafka_server_request_request_time{user="search%40team-b"}`,
				`kafka_server_request_throttle_time{user="search%40team-b"}`,
			},
		},
		{
			name:      "one client id is an equality",
			names:     DefaultNames(),
			user:      throttledUser,
			clientIDs: []string{legacyClient},
			want: []string{
				`kafka_server_fetch_byte_rate{user="team-a.orders", client_id="search\"legacy"}`,
				`kafka_server_fetch_throttle_time{user="team-a.orders", client_id="search\"legacy"}`,
				`kafka_server_produce_byte_rate{user="team-a.orders", client_id="search\"legacy"}`,
				`kafka_server_produce_throttle_time{user="team-a.orders", client_id="search\"legacy"}`,
				`kafka_server_request_request_time{user="team-a.orders", client_id="search\"legacy"}`,
				`kafka_server_request_throttle_time{user="team-a.orders", client_id="search\"legacy"}`,
			},
		},
		{
			name:      "several client ids are escaped alternatives, duplicates dropped",
			names:     JMXExporterExampleNames(),
			user:      throttledUser,
			clientIDs: []string{batchClient, writerClient, "a|b(c)*", batchClient},
			want: []string{
				`kafka_server_quota_byte_rate{user="team-a.orders", clientId=~"a\\|b\\(c\\)\\*|orders-writer|orders\\.batch", resource="Fetch"}`,
				`kafka_server_quota_byte_rate{user="team-a.orders", clientId=~"a\\|b\\(c\\)\\*|orders-writer|orders\\.batch", resource="Produce"}`,
				`kafka_server_quota_request_time{user="team-a.orders", clientId=~"a\\|b\\(c\\)\\*|orders-writer|orders\\.batch", resource="Request"}`,
				`kafka_server_quota_throttle_time{user="team-a.orders", clientId=~"a\\|b\\(c\\)\\*|orders-writer|orders\\.batch", resource="Fetch"}`,
				`kafka_server_quota_throttle_time{user="team-a.orders", clientId=~"a\\|b\\(c\\)\\*|orders-writer|orders\\.batch", resource="Produce"}`,
				`kafka_server_quota_throttle_time{user="team-a.orders", clientId=~"a\\|b\\(c\\)\\*|orders-writer|orders\\.batch", resource="Request"}`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var fake fakeAPI
			srv := fake.serve(t, http.StatusOK, "application/json", emptyVector)
			src, err := NewPrometheusAPI(srv.URL, tc.names)
			if err != nil {
				t.Fatal(err)
			}
			got, err := src.Observe(context.Background(), tc.user, tc.clientIDs)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Observations) != 0 {
				t.Errorf("an empty result gave observations %s", describe(got.Observations))
			}
			slices.Sort(fake.queries)
			if !slices.Equal(fake.queries, tc.want) {
				t.Errorf("queries\n got  %q\n want %q", fake.queries, tc.want)
			}
		})
	}
}

func TestPrometheusAPI_Observe_values(t *testing.T) {
	// Every query gets the same answer, so each field sums or takes the
	// highest of these three series per broker.
	const body = `{"status":"success","warnings":["remote store eu-1 unavailable, results may be partial"],"data":{"resultType":"vector","result":[
{"metric":{"instance":"b1:7071","user":"team-a.orders","client_id":"orders-writer"},"value":[1700000000,"100"]},
{"metric":{"instance":"b1:7071","user":"team-a.orders","client_id":"orders.batch"},"value":[1700000000,"50"]},
{"metric":{"instance":"b1:7071","user":"team-a.orders","client_id":"idle"},"value":[1700000000,"NaN"]},
{"metric":{"instance":"b2:7071","user":"team-a.orders","client_id":"orders-writer"},"value":[1700000000,"+Inf"]},
{"metric":{"instance":"b3:7071","user":"team-a.orders","client_id":"orders-writer"},"value":[1700000000,"NaN"]}
]}}`
	var fake fakeAPI
	srv := fake.serve(t, http.StatusOK, "application/json", body)
	src, err := NewPrometheusAPI(srv.URL, Names{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := src.Observe(context.Background(), throttledUser, nil)
	if err != nil {
		t.Fatal(err)
	}
	// b2 only had +Inf and b3 only NaN: neither observed anything.
	want := []tenancy.Observation{(&figures{f(150), f(150), f(150), f(100), f(100), f(100)}).on("b1:7071")}
	assertObservations(t, got.Observations, want)
	var partial, inf int
	for _, w := range got.Warnings {
		if strings.Contains(w, "remote store eu-1 unavailable") && strings.HasPrefix(w, "Prometheus at "+srv.URL+" warned about kafka_server_") {
			partial++
		}
		if strings.Contains(w, `client_id="orders-writer"`) && strings.Contains(w, "on broker b2:7071 is +Inf") {
			inf++
		}
	}
	if partial != 6 || inf != 6 || len(got.Warnings) != 12 {
		t.Errorf("want the server's warning and the +Inf series once per metric, got %q", got.Warnings)
	}
}

func TestPrometheusAPI_Observe_errors(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		want        []string
	}{
		{
			name:        "bad data",
			status:      http.StatusBadRequest,
			contentType: "application/json",
			body:        `{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:1: parse error"}`,
			want:        []string{"rejected the query kafka_server_", "check the metric and label names", "bad_data: invalid parameter"},
		},
		{
			name:        "unauthorized",
			status:      http.StatusUnauthorized,
			contentType: "text/plain",
			body:        "Unauthorized",
			want:        []string{"answered HTTP 401 Unauthorized to the query kafka_server_", "(Unauthorized)", "check the basic auth credentials or bearer token"},
		},
		{
			name:        "server error",
			status:      http.StatusServiceUnavailable,
			contentType: "text/plain",
			body:        "Service Unavailable",
			want:        []string{"answered HTTP 503 Service Unavailable", "overloaded or starting"},
		},
		{
			// Prometheus answers a query timeout with 503, which the
			// client reports as a plain server error with the body.
			name:        "query timeout",
			status:      http.StatusServiceUnavailable,
			contentType: "application/json",
			body:        `{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}`,
			want:        []string{"answered HTTP 503 Service Unavailable", "query timed out in expression evaluation", "overloaded"},
		},
		{
			name:        "execution error",
			status:      http.StatusUnprocessableEntity,
			contentType: "application/json",
			body:        `{"status":"error","errorType":"execution","error":"query processing would load too many samples into memory"}`,
			want:        []string{"failed the query kafka_server_", "check the server's logs", "execution: query processing would load too many samples"},
		},
		{
			name:        "not Prometheus",
			status:      http.StatusOK,
			contentType: "text/html",
			body:        "<html><body>Grafana</body></html>",
			want:        []string{"with something other than a Prometheus API response", "check that the URL is the base URL of a Prometheus server"},
		},
		{
			name:        "a range vector",
			status:      http.StatusOK,
			contentType: "application/json",
			body:        `{"status":"success","data":{"resultType":"matrix","result":[]}}`,
			want:        []string{"with a matrix instead of an instant vector"},
		},
		{
			name:        "a series without the broker label",
			status:      http.StatusOK,
			contentType: "application/json",
			body:        `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"user":"team-a.orders"},"value":[1700000000,"1"]}]}}`,
			want:        []string{`has no instance label, so its broker is unknown`, "set the broker label"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var fake fakeAPI
			srv := fake.serve(t, tc.status, tc.contentType, tc.body)
			src, err := NewPrometheusAPI(srv.URL, DefaultNames())
			if err != nil {
				t.Fatal(err)
			}
			_, err = src.Observe(context.Background(), throttledUser, nil)
			wantAll(t, err, append(tc.want, "Prometheus at "+srv.URL))
		})
	}
}

func TestPrometheusAPI_Observe_notFound(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	src, err := NewPrometheusAPI(srv.URL+"/prometheus", DefaultNames())
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Observe(context.Background(), throttledUser, nil)
	wantAll(t, err, []string{"Prometheus at " + srv.URL + "/prometheus answered HTTP 404 Not Found", "check that the URL is the base URL of a Prometheus server"})
}

func TestPrometheusAPI_Observe_timeoutAndCancel(t *testing.T) {
	slow := hangingServer(t)

	src, err := NewPrometheusAPI(slow.URL, DefaultNames(), WithTimeout(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Observe(context.Background(), throttledUser, nil)
	wantAll(t, err, []string{"Prometheus at " + slow.URL + " did not answer within the timeout (200ms per request"})

	patient, err := NewPrometheusAPI(slow.URL, DefaultNames(), WithTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = patient.Observe(ctx, throttledUser, nil)
	wantAll(t, err, []string{"Prometheus at " + slow.URL + " did not answer within the timeout", "context deadline exceeded"})
}

func TestNewPrometheusAPI_rejects(t *testing.T) {
	tests := []struct {
		name  string
		url   string
		names Names
		opts  []Option
		want  string
	}{
		{"no scheme", "prometheus:9090", Names{}, nil, "must be an absolute http:// or https:// URL"},
		{"API path", "http://prometheus:9090/api/v1", Names{}, nil, "includes /api/v1; give the server's base URL"},
		{"password redacted", "http://admin:hunter2@prometheus:9090/api/v1/query", Names{}, nil, "http://admin:xxxxx@prometheus:9090/api/v1/query includes /api/v1"},
		{"invalid metric name", "http://prometheus:9090", Names{ProduceByteRate: "kafka.server.produce"}, nil, `ProduceByteRate "kafka.server.produce" is not a valid Prometheus metric name`},
		{"bearer and basic", "http://prometheus:9090", Names{}, []Option{WithBearerToken("hunter2"), WithBasicAuth("admin", "hunter2")}, "both basic auth and a bearer token are set"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewPrometheusAPI(tc.url, tc.names, tc.opts...)
			wantAll(t, err, []string{tc.want})
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q leaks the password", err)
			}
		})
	}
}

func TestPrometheusAPI_ObserveUsers_queries(t *testing.T) {
	users := []string{nearUser, throttledUser, "a|b"} // "|" is encoded as %7C
	tests := []struct {
		name   string
		names  Names
		window time.Duration
		want   []string
	}{
		{
			name:  "present values, every user in one expression",
			names: DefaultNames(),
			want: []string{
				`kafka_server_fetch_byte_rate{user=~"a%7Cb|search%40team-b|team-a\\.orders"}`,
				`kafka_server_fetch_throttle_time{user=~"a%7Cb|search%40team-b|team-a\\.orders"}`,
				`kafka_server_produce_byte_rate{user=~"a%7Cb|search%40team-b|team-a\\.orders"}`,
				`kafka_server_produce_throttle_time{user=~"a%7Cb|search%40team-b|team-a\\.orders"}`,
				`kafka_server_request_request_time{user=~"a%7Cb|search%40team-b|team-a\\.orders"}`,
				`kafka_server_request_throttle_time{user=~"a%7Cb|search%40team-b|team-a\\.orders"}`,
			},
		},
		{
			name:   "the highest over a window of the per-broker sum, or highest throttle time",
			names:  JMXExporterExampleNames(),
			window: 90 * time.Minute,
			want: []string{
				`max_over_time(max by (user, instance) (kafka_server_quota_throttle_time{user=~"a%7Cb|search%40team-b|team-a\\.orders", resource="Fetch"})[1h30m:])`,
				`max_over_time(max by (user, instance) (kafka_server_quota_throttle_time{user=~"a%7Cb|search%40team-b|team-a\\.orders", resource="Produce"})[1h30m:])`,
				`max_over_time(max by (user, instance) (kafka_server_quota_throttle_time{user=~"a%7Cb|search%40team-b|team-a\\.orders", resource="Request"})[1h30m:])`,
				`max_over_time(sum by (user, instance) (kafka_server_quota_byte_rate{user=~"a%7Cb|search%40team-b|team-a\\.orders", resource="Fetch"})[1h30m:])`,
				`max_over_time(sum by (user, instance) (kafka_server_quota_byte_rate{user=~"a%7Cb|search%40team-b|team-a\\.orders", resource="Produce"})[1h30m:])`,
				`max_over_time(sum by (user, instance) (kafka_server_quota_request_time{user=~"a%7Cb|search%40team-b|team-a\\.orders", resource="Request"})[1h30m:])`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var fake fakeAPI
			srv := fake.serve(t, http.StatusOK, "application/json", emptyVector)
			src, err := NewPrometheusAPI(srv.URL, tc.names)
			if err != nil {
				t.Fatal(err)
			}
			got, err := src.ObserveUsers(context.Background(), users, tc.window)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Observations) != 0 {
				t.Errorf("an empty result gave observations %v", got.Observations)
			}
			slices.Sort(fake.queries)
			if !slices.Equal(fake.queries, tc.want) {
				t.Errorf("queries\n got  %q\n want %q", fake.queries, tc.want)
			}
		})
	}
}

// The series of each user go to that user, by its encoded name; series of
// other users are left out.
func TestPrometheusAPI_ObserveUsers_values(t *testing.T) {
	const body = `{"status":"success","data":{"resultType":"vector","result":[
{"metric":{"instance":"b1:7071","user":"search%40team-b"},"value":[1700000000,"100"]},
{"metric":{"instance":"b2:7071","user":"team-a.orders"},"value":[1700000000,"7"]},
{"metric":{"instance":"b2:7071","user":"someone-else"},"value":[1700000000,"9"]}
]}}`
	var fake fakeAPI
	srv := fake.serve(t, http.StatusOK, "application/json", body)
	src, err := NewPrometheusAPI(srv.URL, Names{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := src.ObserveUsers(context.Background(), []string{nearUser, throttledUser, idleUser}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	assertObservations(t, got.Observations[nearUser], []tenancy.Observation{(&figures{f(100), f(100), f(100), f(100), f(100), f(100)}).on("b1:7071")})
	assertObservations(t, got.Observations[throttledUser], []tenancy.Observation{(&figures{f(7), f(7), f(7), f(7), f(7), f(7)}).on("b2:7071")})
	if _, ok := got.Observations[idleUser]; ok || len(got.Observations) != 2 {
		t.Errorf("observations of %d users, want 2 and none for %s: %v", len(got.Observations), idleUser, got.Observations)
	}
}
