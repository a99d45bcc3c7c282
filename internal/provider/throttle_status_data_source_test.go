package provider_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
)

// TestAccThrottleStatus resolves a tenant's quotas through Kafka's
// precedence levels and reads its throttling from a broker's Prometheus
// text endpoint, as the JMX exporter serves it.
func TestAccThrottleStatus(t *testing.T) {
	vc, tenant := acctest.Name("vc"), acctest.Name("t")
	user := vc + "." + tenant

	var (
		mu      sync.Mutex
		exposed string
	)
	serve := func(produceRate, throttleMs float64) func() {
		return func() {
			mu.Lock()
			defer mu.Unlock()
			exposed = fmt.Sprintf(`# TYPE kafka_server_produce_byte_rate gauge
kafka_server_produce_byte_rate{user=%[1]q,client_id="app"} %[2]g
kafka_server_produce_byte_rate{user="someone-else",client_id="app"} 9e9
# TYPE kafka_server_produce_throttle_time gauge
kafka_server_produce_throttle_time{user=%[1]q,client_id="app"} %[3]g
# TYPE kafka_server_fetch_byte_rate gauge
kafka_server_fetch_byte_rate{user=%[1]q,client_id="app"} 1000
`, user, produceRate, throttleMs)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		fmt.Fprint(w, exposed)
	}))
	t.Cleanup(srv.Close)

	resources := fmt.Sprintf(`
resource "kafkatenant_virtual_cluster" "vc" {
  name     = %q
  capacity = { producer_byte_rate = 10000000 }
}

resource "kafkatenant_tenant" "t" {
  name            = %q
  virtual_cluster = kafkatenant_virtual_cluster.vc.name
}

resource "kafkatenant_quota" "user" {
  tenant             = kafkatenant_tenant.t.name
  producer_byte_rate = 5000000
}

resource "kafkatenant_quota" "batch" {
  tenant             = kafkatenant_tenant.t.name
  client_id          = "batch"
  producer_byte_rate = 2000000
  consumer_byte_rate = 3000000
}
`, vc, tenant)
	status := func(metrics, clientIDs string) string {
		return fmt.Sprintf(`
provider "kafkatenant" {
  %s
}
%s
data "kafkatenant_throttle_status" "t" {
  tenant     = kafkatenant_tenant.t.name
  client_ids = %s
  depends_on = [kafkatenant_quota.user, kafkatenant_quota.batch]
}
`, metrics, resources, clientIDs)
	}
	endpoints := fmt.Sprintf(`metrics = { endpoints = [%q] }`, srv.URL+"/metrics")
	const ds = "data.kafkatenant_throttle_status.t"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// No metrics source: quotas apply, so the status is unknown.
				Config: status("", `["batch"]`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(ds, "user", user),
					resource.TestCheckResourceAttr(ds, "virtual_cluster", vc),
					resource.TestCheckResourceAttr(ds, "status", "unknown"),
					resource.TestCheckResourceAttr(ds, "metrics_source", "none"),
					// Any client: the user's own quota, level 3.
					resource.TestCheckTypeSetElemNestedAttrs(ds, "effective_quotas.*", map[string]string{
						"client_id": "", "key": "producer_byte_rate", "value": "5000000", "level": "3", "entity": "user=" + user,
					}),
					// The batch client: its carve-out, level 1, for both keys.
					resource.TestCheckTypeSetElemNestedAttrs(ds, "effective_quotas.*", map[string]string{
						"client_id": "batch", "key": "producer_byte_rate", "value": "2000000", "level": "1", "entity": "user=" + user + ",client-id=batch",
					}),
					resource.TestCheckTypeSetElemNestedAttrs(ds, "effective_quotas.*", map[string]string{
						"client_id": "batch", "key": "consumer_byte_rate", "value": "3000000", "level": "1",
					}),
					// The status judges the one client asked about: 2 MB/s of
					// a 10 MB/s envelope.
					resource.TestCheckResourceAttr(ds, "virtual_cluster_share.producer_byte_rate", "0.2"),
				),
			},
			{
				PreConfig: serve(1000000, 0),
				Config:    status(endpoints, "null"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(ds, "metrics_source", "endpoints"),
					resource.TestCheckResourceAttr(ds, "status", "ok"),
					resource.TestCheckResourceAttr(ds, "observations.#", "1"),
					resource.TestCheckResourceAttr(ds, "observations.0.produce_bytes_per_second", "1000000"),
					resource.TestCheckResourceAttr(ds, "virtual_cluster_share.producer_byte_rate", "0.5"),
				),
			},
			{
				PreConfig: serve(4500000, 0),
				Config:    status(endpoints, "null"),
				Check:     resource.TestCheckResourceAttr(ds, "status", "near_limit"),
			},
			{
				// At 80% of the 5 MB/s quota exactly: near_limit starts there.
				PreConfig: serve(4000000, 0),
				Config:    status(endpoints, "null"),
				Check:     resource.TestCheckResourceAttr(ds, "status", "near_limit"),
			},
			{
				// Above the quota before any broker reports throttle time:
				// over_quota, not near_limit.
				PreConfig: serve(6000000, 0),
				Config:    status(endpoints, "null"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(ds, "status", "over_quota"),
					resource.TestMatchResourceAttr(ds, "reason", regexp.MustCompile(`producer_byte_rate at 120% of its 5 MB/s quota .* with no throttle time reported yet`)),
				),
			},
			{
				PreConfig: serve(5000000, 12.5),
				Config:    status(endpoints, "null"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(ds, "status", "throttled"),
					resource.TestCheckResourceAttr(ds, "observations.0.produce_throttle_ms", "12.5"),
					resource.TestCheckResourceAttrSet(ds, "reason"),
				),
			},
			{
				Config: status(endpoints, "null") + `
data "kafkatenant_throttle_status" "nobody" {
  tenant = "no-such-tenant"
}
`,
				ExpectError: expectError(`Tenant Not Found.*"no-such-tenant"`),
			},
		},
	})
}
