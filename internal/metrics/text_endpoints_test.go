package metrics

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

func TestTextEndpoints_Observe(t *testing.T) {
	b1, b2 := exporter(t, broker1Exposition), exporter(t, broker2Exposition)
	src, err := NewTextEndpoints([]string{b1.URL, b2.URL}, DefaultNames())
	if err != nil {
		t.Fatal(err)
	}
	checkFixture(t, src, b1.URL, b2.URL)
	t.Run("every user at once", func(t *testing.T) {
		checkFixtureUsers(t, src, b1.URL, b2.URL, 0)
	})
	t.Run("a window is refused", func(t *testing.T) {
		_, err := src.ObserveUsers(context.Background(), []string{throttledUser}, time.Minute)
		wantAll(t, err, []string{"the metrics endpoints serve only present values", "read a Prometheus server for that"})
	})
}

func TestTextEndpoints_Observe_status(t *testing.T) {
	b1, b2 := exporter(t, broker1Exposition), exporter(t, broker2Exposition)
	src, err := NewTextEndpoints([]string{b1.URL, b2.URL}, Names{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		user      string
		clientIDs []string
		want      tenancy.ThrottleState
	}{
		{throttledUser, []string{writerClient, batchClient}, tenancy.StateThrottled},
		{nearUser, []string{searchClient}, tenancy.StateNearLimit},
		{idleUser, nil, tenancy.StateOK},
	} {
		got, err := src.Observe(context.Background(), tc.user, tc.clientIDs)
		if err != nil {
			t.Fatal(err)
		}
		report := tenancy.Status(quotasFor(tc.user), got.Observations, true, 0)
		if report.State != tc.want {
			t.Errorf("%s: state %s (%s), want %s", tc.user, report.State, report.Reason, tc.want)
		}
	}
}

// TestTextEndpoints_Observe_formats serves the same series in each format
// an exporter may negotiate and expects the same observations.
func TestTextEndpoints_Observe_formats(t *testing.T) {
	tests := []struct {
		name   string
		format expfmt.Format
		gauges bool
	}{
		{"protobuf", expfmt.NewFormat(expfmt.TypeProtoDelim), false},
		{"text re-encoded by expfmt", expfmt.NewFormat(expfmt.TypeTextPlain), false},
		// OpenMetrics names untyped families "unknown", which the
		// decoder of this expfmt release cannot read; gauges it can.
		{"OpenMetrics 1.0.0 gauges", expfmt.FmtOpenMetrics_1_0_0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var accepts []string
			serve := func(exposition string) *httptest.Server {
				fams := parseExposition(t, exposition)
				if tc.gauges {
					fams = asGauges(fams)
				}
				body := encode(t, fams, tc.format)
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					mu.Lock()
					accepts = append(accepts, r.Header.Get("Accept"))
					mu.Unlock()
					w.Header().Set("Content-Type", string(tc.format))
					_, _ = w.Write(body)
				}))
				t.Cleanup(srv.Close)
				return srv
			}
			b1, b2 := serve(broker1Exposition), serve(broker2Exposition)
			src, err := NewTextEndpoints([]string{b1.URL, b2.URL}, DefaultNames())
			if err != nil {
				t.Fatal(err)
			}
			e := fixtureExpectations[0]
			got, err := src.Observe(context.Background(), e.user, e.clientIDs)
			if err != nil {
				t.Fatal(err)
			}
			assertObservations(t, got.Observations, e.want(b1.URL, b2.URL))
			for _, a := range accepts {
				if !strings.HasPrefix(a, "text/plain; version=0.0.4") {
					t.Errorf("Accept header %q does not ask for the text format first", a)
				}
			}
		})
	}
}

// TestTextEndpoints_Observe_jmxExporterExampleNames reads the series as the
// JMX exporter's example rule names them: one metric per attribute, the
// MBean type in a resource label, the client id in clientId.
func TestTextEndpoints_Observe_jmxExporterExampleNames(t *testing.T) {
	rename := map[string]struct{ name, resource string }{
		"kafka_server_produce_byte_rate":     {"kafka_server_quota_byte_rate", "Produce"},
		"kafka_server_fetch_byte_rate":       {"kafka_server_quota_byte_rate", "Fetch"},
		"kafka_server_request_request_time":  {"kafka_server_quota_request_time", "Request"},
		"kafka_server_produce_throttle_time": {"kafka_server_quota_throttle_time", "Produce"},
		"kafka_server_fetch_throttle_time":   {"kafka_server_quota_throttle_time", "Fetch"},
		"kafka_server_request_throttle_time": {"kafka_server_quota_throttle_time", "Request"},
	}
	convert := func(exposition string) string {
		out := map[string]*dto.MetricFamily{}
		for name, mf := range asGauges(parseExposition(t, exposition)) {
			r, ok := rename[name]
			if !ok {
				continue
			}
			target := out[r.name]
			if target == nil {
				target = &dto.MetricFamily{Name: &r.name, Type: dto.MetricType_GAUGE.Enum()}
				out[r.name] = target
			}
			for _, m := range mf.GetMetric() {
				for _, l := range m.GetLabel() {
					if l.GetName() == "client_id" {
						l.Name = strPtr("clientId")
					}
				}
				m.Label = append(m.Label, &dto.LabelPair{Name: strPtr("resource"), Value: strPtr(r.resource)})
				target.Metric = append(target.Metric, m)
			}
		}
		return string(encode(t, out, expfmt.NewFormat(expfmt.TypeTextPlain)))
	}
	b1, b2 := exporter(t, convert(broker1Exposition)), exporter(t, convert(broker2Exposition))
	src, err := NewTextEndpoints([]string{b1.URL, b2.URL}, JMXExporterExampleNames())
	if err != nil {
		t.Fatal(err)
	}
	checkFixture(t, src, b1.URL, b2.URL)
}

func strPtr(s string) *string { return &s }

// TestTextEndpoints_Observe_brokerLabel takes the broker from the series
// when the exposition carries the broker label, as a federation endpoint
// does.
func TestTextEndpoints_Observe_brokerLabel(t *testing.T) {
	srv := exporter(t, `# TYPE kafka_server_produce_byte_rate gauge
kafka_server_produce_byte_rate{instance="kafka-1:7071",user="team-a.orders",client_id="orders-writer"} 100
kafka_server_produce_byte_rate{instance="kafka-2:7071",user="team-a.orders",client_id="orders-writer"} 200
kafka_server_produce_byte_rate{user="team-a.orders",client_id="orders.batch"} 300
`)
	src, err := NewTextEndpoints([]string{srv.URL}, DefaultNames())
	if err != nil {
		t.Fatal(err)
	}
	got, err := src.Observe(context.Background(), throttledUser, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []tenancy.Observation{
		{Broker: srv.URL, ProduceBytesPerSecond: f(300)},
		{Broker: "kafka-1:7071", ProduceBytesPerSecond: f(100)},
		{Broker: "kafka-2:7071", ProduceBytesPerSecond: f(200)},
	}
	assertObservations(t, got.Observations, want)
}

func TestTextEndpoints_Observe_infiniteValueWarns(t *testing.T) {
	srv := exporter(t, `# TYPE kafka_server_produce_byte_rate gauge
kafka_server_produce_byte_rate{user="team-a.orders",client_id="orders-writer"} +Inf
kafka_server_produce_byte_rate{user="team-a.orders",client_id="orders.batch"} 300
`)
	src, err := NewTextEndpoints([]string{srv.URL}, DefaultNames())
	if err != nil {
		t.Fatal(err)
	}
	got, err := src.Observe(context.Background(), throttledUser, nil)
	if err != nil {
		t.Fatal(err)
	}
	assertObservations(t, got.Observations, []tenancy.Observation{{Broker: srv.URL, ProduceBytesPerSecond: f(300)}})
	if len(got.Warnings) != 1 || !strings.Contains(got.Warnings[0], `client_id="orders-writer"`) || !strings.Contains(got.Warnings[0], "+Inf") {
		t.Errorf("warnings %q, want one naming the infinite series", got.Warnings)
	}
}

func TestTextEndpoints_Observe_errors(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    []string
	}{
		{
			name: "malformed exposition",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte("# TYPE kafka_server_produce_byte_rate gauge\nkafka_server_produce_byte_rate{user=\"team-a.orders\" 12\n"))
			},
			want: []string{"cannot be parsed as the Prometheus text format", "line 2", "check that the URL is a Prometheus exporter's metrics path"},
		},
		{
			name: "a counter where a gauge is expected",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte("# TYPE kafka_server_produce_byte_rate counter\nkafka_server_produce_byte_rate{user=\"team-a.orders\"} 12\n"))
			},
			want: []string{"serves kafka_server_produce_byte_rate as a counter, not a gauge", "ProduceByteRate", "Produce MBeans"},
		},
		{
			name: "an HTML page",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				_, _ = w.Write([]byte("<html><body>Sign in</body></html>"))
			},
			want: []string{`answered with Content-Type "text/html; charset=utf-8", not a Prometheus exposition format`},
		},
		{
			name: "not found",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				http.Error(w, "no such path", http.StatusNotFound)
			},
			want: []string{"answered HTTP 404 Not Found (no such path)", "check the URL's path"},
		},
		{
			name: "OpenMetrics unknown family",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", string(expfmt.FmtOpenMetrics_1_0_0))
				_, _ = w.Write([]byte("# TYPE kafka_server_request_request_time unknown\nkafka_server_request_request_time{user=\"team-a.orders\"} 1.0\n# EOF\n"))
			},
			want: []string{"cannot be parsed as OpenMetrics"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			good := exporter(t, broker2Exposition)
			src, err := NewTextEndpoints([]string{good.URL, srv.URL + "/metrics"}, DefaultNames())
			if err != nil {
				t.Fatal(err)
			}
			_, err = src.Observe(context.Background(), throttledUser, nil)
			if err == nil {
				t.Fatal("Observe succeeded, want an error")
			}
			wantAll(t, err, append(tc.want, "the metrics endpoint "+srv.URL+"/metrics"))
		})
	}
}

func TestTextEndpoints_Observe_basicAuth(t *testing.T) {
	const user, password = "scraper", "s3cret-pa55"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != user || p != password {
			w.Header().Set("WWW-Authenticate", `Basic realm="exporter"`)
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte(broker1Exposition))
	}))
	defer srv.Close()

	src, err := NewTextEndpoints([]string{srv.URL}, DefaultNames(), WithBasicAuth(user, password))
	if err != nil {
		t.Fatal(err)
	}
	got, err := src.Observe(context.Background(), throttledUser, []string{writerClient, batchClient})
	if err != nil {
		t.Fatal(err)
	}
	assertObservations(t, got.Observations, []tenancy.Observation{fixtureExpectations[0].broker1.on(srv.URL)})

	wrong, err := NewTextEndpoints([]string{srv.URL}, DefaultNames(), WithBasicAuth(user, "not-"+password))
	if err != nil {
		t.Fatal(err)
	}
	_, err = wrong.Observe(context.Background(), throttledUser, nil)
	wantAll(t, err, []string{"answered HTTP 401 Unauthorized", "check the basic auth credentials or bearer token"})
	if strings.Contains(err.Error(), password) {
		t.Errorf("error %q leaks the password", err)
	}
}

func TestTextEndpoints_Observe_bearerToken(t *testing.T) {
	const token = "tok-3f9a"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			http.Error(w, "Forbidden", http.StatusForbidden)
			return
		}
		_, _ = w.Write([]byte(broker2Exposition))
	}))
	defer srv.Close()
	src, err := NewTextEndpoints([]string{srv.URL}, DefaultNames(), WithBearerToken(token))
	if err != nil {
		t.Fatal(err)
	}
	got, err := src.Observe(context.Background(), idleUser, nil)
	if err != nil {
		t.Fatal(err)
	}
	assertObservations(t, got.Observations, []tenancy.Observation{fixtureExpectations[4].broker2.on(srv.URL)})
}

func TestTextEndpoints_Observe_timeoutAndCancel(t *testing.T) {
	slow := hangingServer(t)

	src, err := NewTextEndpoints([]string{slow.URL}, DefaultNames(), WithTimeout(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = src.Observe(context.Background(), throttledUser, nil)
	wantAll(t, err, []string{"the metrics endpoint " + slow.URL + " did not answer within the timeout (200ms per request"})
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("Observe took %s with a 200ms timeout", elapsed)
	}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	patient, err := NewTextEndpoints([]string{slow.URL}, DefaultNames(), WithTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	_, err = patient.Observe(ctx, throttledUser, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Observe with a cancelled context returned %v, want context.Canceled", err)
	}
	wantAll(t, err, []string{"reading the metrics endpoint " + slow.URL + " was cancelled"})
}

func TestTextEndpoints_Observe_unreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	src, err := NewTextEndpoints([]string{url}, DefaultNames())
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Observe(context.Background(), throttledUser, nil)
	wantAll(t, err, []string{"cannot reach the metrics endpoint " + url, "check the URL and that the server is reachable", "connection refused"})
}

func TestNewTextEndpoints_rejects(t *testing.T) {
	tests := []struct {
		name  string
		urls  []string
		names Names
		opts  []Option
		want  string
	}{
		{"no URLs", nil, Names{}, nil, "no metrics endpoint URLs are given"},
		{"relative URL", []string{"broker-1:7071/metrics"}, Names{}, nil, "must be an absolute http:// or https:// URL"},
		{"duplicate", []string{"http://b1:7071/metrics", "http://b1:7071/metrics"}, Names{}, nil, "http://b1:7071/metrics is listed twice"},
		{"password in a bad URL stays hidden", []string{"http://u:hunter2@b1:7071/%zz"}, Names{}, nil, "the metrics endpoint URL is not a valid URL"},
		{"password in URL redacted", []string{"ftp://u:hunter2@b1/metrics"}, Names{}, nil, "ftp://u:xxxxx@b1/metrics must be an absolute"},
		{"invalid names", []string{"http://b1:7071/metrics"}, Names{UserLabel: "user-name"}, nil, `UserLabel "user-name" is not a valid Prometheus label name`},
		{"password without user", []string{"http://b1:7071/metrics"}, Names{}, []Option{WithBasicAuth("", "hunter2")}, "a basic auth password is set without a username"},
		{"basic and bearer", []string{"http://b1:7071/metrics"}, Names{}, []Option{WithBasicAuth("u", "hunter2"), WithBearerToken("t")}, "both basic auth and a bearer token are set"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewTextEndpoints(tc.urls, tc.names, tc.opts...)
			wantAll(t, err, []string{tc.want})
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q leaks the password", err)
			}
		})
	}
}

func TestTextEndpoints_Observe_rejectsBadSelection(t *testing.T) {
	src, err := NewTextEndpoints([]string{"http://127.0.0.1:1/metrics"}, DefaultNames())
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Observe(context.Background(), "", nil)
	wantAll(t, err, []string{"the user name is empty"})
	_, err = src.Observe(context.Background(), throttledUser, []string{writerClient, ""})
	wantAll(t, err, []string{"the client ids of user team-a.orders include an empty one"})
}

// wantAll fails t unless err is non-nil and its message holds every part.
func wantAll(t *testing.T, err error, parts []string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q\ndoes not contain %q", err, p)
		}
	}
}

// TestTextEndpoints_Observe_httpClient uses a caller's client for TLS, with
// authentication wrapped around its transport.
func TestTextEndpoints_Observe_httpClient(t *testing.T) {
	const token = "tok-tls-5d21"
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			http.Error(w, "Forbidden", http.StatusForbidden)
			return
		}
		_, _ = w.Write([]byte(broker2Exposition))
	}))
	defer srv.Close()

	untrusted, err := NewTextEndpoints([]string{srv.URL}, DefaultNames(), WithBearerToken(token))
	if err != nil {
		t.Fatal(err)
	}
	_, err = untrusted.Observe(context.Background(), idleUser, nil)
	wantAll(t, err, []string{"cannot reach the metrics endpoint " + srv.URL, "certificate"})

	trusted, err := NewTextEndpoints([]string{srv.URL}, DefaultNames(), WithHTTPClient(srv.Client()), WithBearerToken(token))
	if err != nil {
		t.Fatal(err)
	}
	got, err := trusted.Observe(context.Background(), idleUser, nil)
	if err != nil {
		t.Fatal(err)
	}
	assertObservations(t, got.Observations, []tenancy.Observation{fixtureExpectations[4].broker2.on(srv.URL)})
}
