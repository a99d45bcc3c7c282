package metrics

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// requirePrometheusEnv makes a missing Prometheus a failure instead of a
// skip; CI sets it after running scripts/ensure-prometheus.sh.
const requirePrometheusEnv = "KAFKATENANT_REQUIRE_PROMETHEUS"

// The credentials the test Prometheus demands through its web config.
const (
	promUser     = "kafkatenant"
	promPassword = "prom-test-secret-7c1e"
)

// TestPrometheusAPI_Observe_realServer starts a real Prometheus server that
// scrapes the two fixture brokers every second, each broker a target with
// its own instance label, behind basic auth, and reads the tenants through
// its HTTP API.
func TestPrometheusAPI_Observe_realServer(t *testing.T) {
	bin := prometheusBinary(t)
	b1, b2 := exporter(t, broker1Exposition), exporter(t, broker2Exposition)
	broker1, broker2 := hostOf(t, b1.URL), hostOf(t, b2.URL)
	base := startPrometheus(t, bin, []string{broker1, broker2})

	src, err := NewPrometheusAPI(base, DefaultNames(), WithBasicAuth(promUser, promPassword), WithTimeout(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	waitForBrokers(t, src, 2)

	checkFixture(t, src, broker1, broker2)

	t.Run("status", func(t *testing.T) {
		for _, tc := range []struct {
			user      string
			clientIDs []string
			want      tenancy.ThrottleState
			reason    string
		}{
			{throttledUser, []string{writerClient, batchClient}, tenancy.StateThrottled, "broker " + broker1 + " throttles produce requests (average throttle time 340 ms) against producer_byte_rate 1 MB/s from user=team-a.orders (level 3)"},
			{nearUser, []string{searchClient}, tenancy.StateNearLimit, "producer_byte_rate at 85% of its 1 MB/s quota on broker " + broker1},
			{idleUser, nil, tenancy.StateOK, "no broker throttles this principal and every observed rate is below 80% of its quota"},
		} {
			got, err := src.Observe(context.Background(), tc.user, tc.clientIDs)
			if err != nil {
				t.Fatal(err)
			}
			report := tenancy.Status(quotasFor(tc.user), got.Observations, true, 0)
			if report.State != tc.want || !strings.Contains(report.Reason, tc.reason) {
				t.Errorf("%s: %s (%s), want %s containing %q", tc.user, report.State, report.Reason, tc.want, tc.reason)
			}
		}
	})

	t.Run("every user at once", func(t *testing.T) {
		checkFixtureUsers(t, src, broker1, broker2, 0)
	})
	t.Run("every user at once, highest over a window", func(t *testing.T) {
		// The window's steps are whole seconds: wait for one after the
		// first scrape of both brokers. The fixture does not change, so
		// its highest is its value.
		deadline := time.Now().Add(30 * time.Second)
		for {
			got, err := src.ObserveUsers(context.Background(), []string{throttledUser}, time.Minute)
			if err == nil && len(got.Observations[throttledUser]) == 2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the window did not cover both brokers within 30s: %v", err)
			}
			time.Sleep(250 * time.Millisecond)
		}
		checkFixtureUsers(t, src, broker1, broker2, time.Minute)
	})

	t.Run("wrong password", func(t *testing.T) {
		wrong, err := NewPrometheusAPI(base, DefaultNames(), WithBasicAuth(promUser, "not-"+promPassword))
		if err != nil {
			t.Fatal(err)
		}
		_, err = wrong.Observe(context.Background(), throttledUser, nil)
		wantAll(t, err, []string{"Prometheus at " + base + " answered HTTP 401 Unauthorized", "check the basic auth credentials or bearer token"})
		if err != nil && strings.Contains(err.Error(), promPassword) {
			t.Errorf("error %q leaks the password", err)
		}
	})
}

// prometheusBinary returns the Prometheus server to run: $PROMETHEUS, or
// prometheus on PATH. Without one the test skips, or fails when
// KAFKATENANT_REQUIRE_PROMETHEUS=1.
func prometheusBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("PROMETHEUS"); p != "" {
		return p
	}
	p, err := exec.LookPath("prometheus")
	if err == nil {
		return p
	}
	msg := "no prometheus binary on PATH: run scripts/ensure-prometheus.sh (installs the Debian package as root on Debian or Ubuntu), or install Prometheus yourself or set PROMETHEUS to its path"
	if os.Getenv(requirePrometheusEnv) == "1" {
		t.Fatalf("%s (%s=1 makes this a failure)", msg, requirePrometheusEnv)
	}
	t.Skip(msg)
	return ""
}

// startPrometheus runs Prometheus on a free loopback port with a
// temporary configuration and data directory, scraping targets every
// second and demanding basic auth, and stops it when the test ends. It
// returns the base URL once the server is ready.
func startPrometheus(t *testing.T, bin string, targets []string) string {
	t.Helper()
	dir := t.TempDir()
	quoted := make([]string, len(targets))
	for i, target := range targets {
		quoted[i] = fmt.Sprintf("%q", target)
	}
	// A one-second evaluation interval is also the default resolution of
	// the subqueries ObserveUsers sends for a window.
	config := fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: kafka
    static_configs:
      - targets: [%s]
`, strings.Join(quoted, ", "))
	// bcrypt's lowest cost keeps each authenticated request cheap on a
	// busy machine; the password is a throwaway.
	hash, err := bcrypt.GenerateFromPassword([]byte(promPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	webConfig := fmt.Sprintf("basic_auth_users:\n  %s: %q\n", promUser, hash)
	configFile, webFile := filepath.Join(dir, "prometheus.yml"), filepath.Join(dir, "web.yml")
	for file, content := range map[string]string{configFile: config, webFile: webConfig} {
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	// The port is free when picked but could be taken before Prometheus
	// binds it, so a bind failure is retried on another port.
	for attempt := 1; ; attempt++ {
		addr := freeLoopbackAddr(t)
		logFile := filepath.Join(dir, fmt.Sprintf("prometheus-%d.log", attempt))
		base, err := runPrometheus(t, bin, addr, configFile, webFile, filepath.Join(dir, "data"), logFile)
		if err == nil {
			return base
		}
		log, _ := os.ReadFile(logFile)
		if attempt < 3 && strings.Contains(string(log), "address already in use") {
			continue
		}
		t.Fatalf("%v\nPrometheus log:\n%s", err, log)
	}
}

// runPrometheus starts one Prometheus process, registers its shutdown and
// waits until it reports ready.
func runPrometheus(t *testing.T, bin, addr, configFile, webFile, dataDir, logFile string) (string, error) {
	t.Helper()
	log, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	cmd := exec.Command(bin,
		"--config.file="+configFile,
		"--web.config.file="+webFile,
		"--web.listen-address="+addr,
		"--storage.tsdb.path="+dataDir,
	)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("starting %s: %w", bin, err)
	}
	p := &promProcess{cmd: cmd, exited: make(chan error, 1)}
	go func() { p.exited <- cmd.Wait() }()
	t.Cleanup(func() { p.stop(t) })

	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-p.exited:
			p.reaped = true
			return "", fmt.Errorf("prometheus exited before it was ready: %w", err)
		default:
		}
		if ready(base) {
			t.Logf("Prometheus ready at %s (%s)", base, bin)
			return base, nil
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("prometheus at %s was not ready within 60s", base)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// promProcess is a running Prometheus server.
type promProcess struct {
	cmd    *exec.Cmd
	exited chan error
	// reaped is set once startup has seen the process exit.
	reaped bool
}

// stop asks Prometheus to shut down with SIGTERM, as its service manager
// would, and kills it only if it has not exited after 30 seconds.
func (p *promProcess) stop(t *testing.T) {
	if p.reaped {
		return // it never became ready, and startPrometheus said why
	}
	select {
	case err := <-p.exited:
		t.Errorf("Prometheus exited on its own during the test (%v)", err)
		return
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Errorf("stopping Prometheus: %v", err)
	}
	select {
	case err := <-p.exited:
		if err != nil {
			t.Errorf("Prometheus did not stop cleanly: %v", err)
		}
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		t.Errorf("Prometheus did not stop within 30s of SIGTERM and was killed (%v)", <-p.exited)
	}
}

// ready reports whether Prometheus answers its readiness endpoint.
func ready(base string) bool {
	req, err := http.NewRequest(http.MethodGet, base+"/-/ready", nil)
	if err != nil {
		return false
	}
	req.SetBasicAuth(promUser, promPassword)
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// waitForBrokers waits until Prometheus has scraped every target, which
// each scrape does atomically: then the throttled tenant shows on n
// brokers.
func waitForBrokers(t *testing.T, src *PrometheusAPI, n int) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		got, err := src.Observe(context.Background(), throttledUser, nil)
		if err == nil && len(got.Observations) == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Prometheus did not have the series of %d brokers within 90s: last error %v, observations %s", n, err, describe(got.Observations))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// freeLoopbackAddr returns a loopback address with a port that was free a
// moment ago.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func hostOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// TestPrometheusAPI_ObserveUsers_window changes a tenant's rate while a
// real Prometheus scrapes it: the present value follows, and the highest
// over a window still shows the earlier peak.
func TestPrometheusAPI_ObserveUsers_window(t *testing.T) {
	bin := prometheusBinary(t)
	var (
		mu   sync.Mutex
		rate = 5e6
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "# TYPE kafka_server_produce_byte_rate gauge\n"+
			"kafka_server_produce_byte_rate{client_id=\"a\",user=\"team-w\"} %g\n"+
			"kafka_server_produce_byte_rate{client_id=\"b\",user=\"team-w\"} %g\n", rate/2, rate/2)
	}))
	t.Cleanup(srv.Close)
	base := startPrometheus(t, bin, []string{hostOf(t, srv.URL)})
	src, err := NewPrometheusAPI(base, DefaultNames(), WithBasicAuth(promUser, promPassword), WithTimeout(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	produce := func(window time.Duration) float64 {
		got, err := src.ObserveUsers(context.Background(), []string{"team-w"}, window)
		if err != nil {
			t.Fatal(err)
		}
		obs := got.Observations["team-w"]
		if len(obs) != 1 || obs[0].ProduceBytesPerSecond == nil {
			return -1
		}
		return *obs[0].ProduceBytesPerSecond
	}
	waitFor := func(what string, window time.Duration, want float64) {
		t.Helper()
		deadline := time.Now().Add(90 * time.Second)
		for produce(window) != want {
			if time.Now().After(deadline) {
				t.Fatalf("%s: Prometheus did not report %v within 90s (last %v)", what, want, produce(window))
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
	waitFor("the peak, summed over both client ids", 0, 5e6)
	// Let a few evaluation steps of the window see the peak.
	time.Sleep(3 * time.Second)
	mu.Lock()
	rate = 1e6
	mu.Unlock()
	waitFor("the present value after the drop", 0, 1e6)
	if got := produce(time.Minute); got != 5e6 {
		t.Errorf("the highest over the last minute is %v, want the earlier peak 5e6", got)
	}
}
