package provider_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// demandServer serves a JMX exporter's produce byte rates for users, set
// by the test between steps, as one broker's text endpoint.
type demandServer struct {
	mu    sync.Mutex
	rates map[string]float64
	srv   *httptest.Server
}

func newDemandServer(t *testing.T) *demandServer {
	d := &demandServer{rates: map[string]float64{}}
	d.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		d.mu.Lock()
		defer d.mu.Unlock()
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		fmt.Fprintln(w, "# TYPE kafka_server_produce_byte_rate gauge")
		for user, rate := range d.rates {
			// Two client ids, which the broker's quota sums.
			fmt.Fprintf(w, "kafka_server_produce_byte_rate{user=%q,client_id=\"app\"} %g\n", user, rate/2)
			fmt.Fprintf(w, "kafka_server_produce_byte_rate{user=%q,client_id=\"batch\"} %g\n", user, rate/2)
		}
	}))
	t.Cleanup(d.srv.Close)
	return d
}

// set returns a PreConfig that serves these rates.
func (d *demandServer) set(rates map[string]float64) func() {
	return func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		d.rates = rates
	}
}

// TestAccFairShare shares a virtual cluster's 40 MB/s producer envelope
// between two tenants weighted 1:3 by their observed demand, applies the
// quotas, moves the demand from one tenant to the other and back within
// the hysteresis. It runs alone, like the other capacity tests.
func TestAccFairShare(t *testing.T) {
	vc, a, b := acctest.Name("vc"), acctest.Name("a"), acctest.Name("b")
	userA, userB := vc+"."+a, vc+"."+b
	metrics := newDemandServer(t)
	config := func(share string) string {
		// The capacity provider, with the metrics endpoint.
		provider := strings.Replace(capacityProvider, "  capacity = {", fmt.Sprintf("  metrics = { endpoints = [%q] }\n  capacity = {", metrics.srv.URL+"/metrics"), 1)
		return provider + fmt.Sprintf(`
resource "kafkatenant_virtual_cluster" "vc" {
  name     = %q
  capacity = { producer_byte_rate = 40000000 }
}

resource "kafkatenant_tenant" "a" {
  name            = %q
  virtual_cluster = kafkatenant_virtual_cluster.vc.name
}

resource "kafkatenant_tenant" "b" {
  name            = %q
  virtual_cluster = kafkatenant_virtual_cluster.vc.name
}

data "kafkatenant_fair_share" "vc" {
  virtual_cluster = kafkatenant_virtual_cluster.vc.name
  %s
}

# The examples use for_each; the test framework's state checks cannot
# read for_each instances, so the two quotas are spelled out.
resource "kafkatenant_quota" "a" {
  tenant             = kafkatenant_tenant.a.name
  producer_byte_rate = data.kafkatenant_fair_share.vc.quotas[kafkatenant_tenant.a.name].producer_byte_rate
}

resource "kafkatenant_quota" "b" {
  tenant             = kafkatenant_tenant.b.name
  producer_byte_rate = data.kafkatenant_fair_share.vc.quotas[kafkatenant_tenant.b.name].producer_byte_rate
}
`, vc, a, b, share)
	}
	const weighted = `
  tenants = {
    (kafkatenant_tenant.a.name) = { weight = 1 }
    (kafkatenant_tenant.b.name) = { weight = 3 }
  }
  demand = { headroom = 1.2 }
`
	const ds = "data.kafkatenant_fair_share.vc"
	quotas := func(qa, qb int) resource.TestCheckFunc {
		return resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckResourceAttr(ds, "quotas."+a+".producer_byte_rate", strconv.Itoa(qa)),
			resource.TestCheckResourceAttr(ds, "quotas."+b+".producer_byte_rate", strconv.Itoa(qb)),
			resource.TestCheckNoResourceAttr(ds, "quotas."+a+".consumer_byte_rate"),
			checkQuota(t, []kafka.QuotaComponent{{Type: "user", Name: userA}}, map[string]float64{"producer_byte_rate": float64(qa)}),
			checkQuota(t, []kafka.QuotaComponent{{Type: "user", Name: userB}}, map[string]float64{"producer_byte_rate": float64(qb)}),
			withinEnvelope(ds, "producer_byte_rate"),
		)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// a uses 5 MB/s, b wants 50: a gets 5 × 1.2, b the rest.
				PreConfig: metrics.set(map[string]float64{userA: 5e6, userB: 50e6}),
				Config:    config(weighted),
				Check: resource.ComposeAggregateTestCheckFunc(
					quotas(6000000, 34000000),
					resource.TestCheckResourceAttr(ds, "id", "virtual_cluster/"+vc),
					resource.TestCheckResourceAttr(ds, "metrics_source", "endpoints"),
					resource.TestCheckResourceAttr(ds, "allocations."+a+".producer_byte_rate.reason", "demand"),
					resource.TestCheckResourceAttr(ds, "allocations."+a+".producer_byte_rate.demand", "5000000"),
					resource.TestCheckResourceAttr(ds, "allocations."+a+".producer_byte_rate.share", "10000000"),
					resource.TestCheckResourceAttr(ds, "allocations."+b+".producer_byte_rate.reason", "weight"),
					resource.TestCheckResourceAttr(ds, "totals.producer_byte_rate.limit", "40000000"),
					resource.TestCheckResourceAttr(ds, "totals.producer_byte_rate.demand_observed", "true"),
					resource.TestMatchResourceAttr(ds, "explanations."+a, regexp.MustCompile(
						`weight 1 of 4 in virtual cluster `+vc+`:\n  producer_byte_rate 6 MB/s \(demand\): demand 5 MB/s × 1.2 = 6 MB/s, below its weighted share of 10 MB/s`)),
				),
			},
			{
				// The demand moves from b to a: the quotas follow, one up
				// and one down in the same apply.
				PreConfig: metrics.set(map[string]float64{userA: 50e6, userB: 5e6}),
				Config:    config(weighted),
				Check: resource.ComposeAggregateTestCheckFunc(
					quotas(34000000, 6000000),
					resource.TestCheckResourceAttr(ds, "allocations."+b+".producer_byte_rate.reason", "demand"),
					resource.TestCheckResourceAttr(ds, "allocations."+a+".producer_byte_rate.current", "6000000"),
				),
			},
			{
				// b grows by 2%: its computed quota moves by less than the
				// 5% hysteresis, so no change is proposed.
				PreConfig:          metrics.set(map[string]float64{userA: 50e6, userB: 5.1e6}),
				Config:             config(weighted),
				PlanOnly:           true,
				ExpectNonEmptyPlan: false,
			},
			{
				// Without hysteresis the same demand moves both quotas.
				PreConfig: metrics.set(map[string]float64{userA: 50e6, userB: 5.1e6}),
				Config:    config(weighted + "  hysteresis = 0\n"),
				Check:     quotas(33880000, 6120000),
			},
			{
				Config:      config(strings.Replace(weighted, "headroom = 1.2", `headroom = 1.2, window = "1h"`, 1)),
				PlanOnly:    true,
				ExpectError: expectError(`Demand Window Needs Prometheus.*serves only present values`),
			},
			{
				Config: config(`
  tenants = {
    (kafkatenant_tenant.a.name) = { floor = { producer_byte_rate = 30000000 } }
    (kafkatenant_tenant.b.name) = { floor = { producer_byte_rate = 20000000 } }
  }
`),
				PlanOnly:    true,
				ExpectError: expectError(`Fair-Share Floors Exceed the Scope.*producer_byte_rate floors add up to 50 MB/s.*more than the 40 MB/s.*available`),
			},
		},
	})
}

// withinEnvelope checks that the fair share's quotas add up to at most
// what is available for key.
func withinEnvelope(ds, key string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs := s.RootModule().Resources[ds].Primary.Attributes
		allocated, err1 := strconv.ParseFloat(attrs["totals."+key+".allocated"], 64)
		available, err2 := strconv.ParseFloat(attrs["totals."+key+".available"], 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("totals.%s: allocated %q, available %q", key, attrs["totals."+key+".allocated"], attrs["totals."+key+".available"])
		}
		if allocated > available {
			return fmt.Errorf("%s: quotas add up to %v, more than the %v available", key, allocated, available)
		}
		return nil
	}
}

// TestAccFairShare_errors: every input the fair share cannot use is refused
// at plan, naming the attribute and the fix.
func TestAccFairShare_errors(t *testing.T) {
	vc, other, a := acctest.Name("vc"), acctest.Name("vc"), acctest.Name("a")
	base := fmt.Sprintf(`
resource "kafkatenant_virtual_cluster" "vc" {
  name     = %q
  capacity = { producer_byte_rate = 40000000 }
}

resource "kafkatenant_virtual_cluster" "other" {
  name     = %q
  capacity = { consumer_byte_rate = 40000000 }
}

resource "kafkatenant_tenant" "a" {
  name            = %q
  virtual_cluster = kafkatenant_virtual_cluster.vc.name
}
`, vc, other, a)
	share := func(body string) string {
		return base + fmt.Sprintf(`
data "kafkatenant_fair_share" "x" {
%s
}
`, body)
	}
	tenantA := fmt.Sprintf("  tenants = { %q = {} }\n", a)
	step := func(body, want string) resource.TestStep {
		return resource.TestStep{Config: share(body), PlanOnly: true, ExpectError: expectError(want)}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: base},
			step(fmt.Sprintf("  virtual_cluster = %q\n  tenants = { %q = { floor = { producer_byte_rate = 1000.5 } } }", vc, a),
				`Invalid Fair-Share Tenant.*floor producer_byte_rate = 1000.5: Kafka stores producer_byte_rate as a whole number; use 1000 or 1001`),
			step(fmt.Sprintf("  virtual_cluster = %q\n  tenants = { %q = { floor = { producer_byte_rate = 5 }, ceiling = { producer_byte_rate = 4 } } }", vc, a),
				`floor producer_byte_rate = 5 B/s is above its ceiling 4 B/s`),
			step(fmt.Sprintf("  virtual_cluster = %q\n  tenants = { %q = { floor = { request_percentage = 5 } } }", vc, a),
				`floor sets request_percentage, which is not among the keys shared`),
			step(fmt.Sprintf("  virtual_cluster = %q\n%s  demand = {}", vc, tenantA),
				`Demand Needs a Metrics Source.*no metrics source`),
			step(fmt.Sprintf("  virtual_cluster = %q\n%s  keys = [\"consumer_byte_rate\"]", vc, tenantA),
				`Fair-Share Key Not Bounded by the Scope.*does not declare consumer_byte_rate`),
			step(fmt.Sprintf("  virtual_cluster = %q\n%s", other, tenantA),
				`Tenant Outside the Virtual Cluster.*is in virtual cluster `+vc),
			step(fmt.Sprintf("  virtual_cluster = %q\n  tenants = { \"no-such-tenant\" = {} }", vc),
				`Tenant Not Found.*"no-such-tenant"`),
			step(fmt.Sprintf("  virtual_cluster = \"no-such-vc\"\n%s", tenantA), `Virtual Cluster Not Found`),
			step(tenantA, `Fair-Share Key Not Bounded by the Scope.*capacity declares none of`),
			step(fmt.Sprintf("  virtual_cluster = %q\n%s  hysteresis = 0.9", vc, tenantA), `hysteresis.*value must be between 0\.0+ and 0\.5`),
			{
				Config:      capacityProvider + share(tenantA),
				PlanOnly:    true,
				ExpectError: expectError(`Tenant Bound by a Virtual Cluster Envelope.*whose envelope bounds producer_byte_rate.*virtual_cluster = "` + vc + `"`),
			},
			// The destroy after the test plans the last configuration.
			{Config: base},
		},
	})
}

// TestAccFairShare_example applies examples/fair-share, the module with
// kafkatenant_quota for_each over the share, on a cluster of its own: the
// first rollout reads the share during the apply, after its tenants, with no
// warning, and the plan after it is empty.
func TestAccFairShare_example(t *testing.T) {
	c := acctest.OwnCluster(t)
	metrics := newDemandServer(t)
	metrics.set(map[string]float64{"shop.orders": 30e6, "shop.search": 3e6})()
	ws := acctest.NewWorkspace(t, mustReadFile(t, filepath.Join("..", "..", "examples", "fair-share", "main.tf")))
	acctest.CopyTree(t, filepath.Join("..", "..", "examples", "modules"), filepath.Join(filepath.Dir(ws.Dir), "modules"))
	ws.MustRun(t, "get")
	ws.Setenv(c.Env())
	ws.Setenv(map[string]string{
		"KAFKATENANT_METRICS_ENDPOINTS": metrics.srv.URL + "/metrics",
		"TF_VAR_passwords":              `{"orders":"pw-orders","search":"pw-search","analytics":"pw-analytics"}`,
	})
	out := ws.MustRun(t, "apply", "-auto-approve", "-input=false")
	t.Cleanup(func() { ws.MustRun(t, "destroy", "-auto-approve", "-input=false") })
	if w := ourWarnings(out); len(w) > 0 {
		t.Errorf("the first apply warned %q:\n%s", w, out)
	}
	// Orders: 30 MB/s × 1.2; search: 3 MB/s × 1.2; analytics, idle: its
	// floor. No consumer or request traffic is observed for anyone, so
	// those keys are shared by weight (3:1:2) within the floors.
	got := ws.MustRun(t, "output", "-json", "quotas")
	for _, want := range []string{`"orders":{"consumer_byte_rate":60000000,"producer_byte_rate":36000000,"request_percentage":100}`,
		`"search":{"consumer_byte_rate":20000000,"producer_byte_rate":3600000,"request_percentage":33.33}`,
		`"analytics":{"consumer_byte_rate":40000000,"producer_byte_rate":1000000,"request_percentage":66.66}`} {
		if !strings.Contains(got, want) {
			t.Errorf("quotas %s lack %s", got, want)
		}
	}
	// The plan refreshes the quotas from the cluster: empty, they hold
	// what the share gave.
	ws.MustRun(t, "plan", "-input=false", "-detailed-exitcode")
}
