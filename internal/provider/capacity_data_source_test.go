package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
)

// TestAccCapacityDataSource reports every quota on the cluster, so it runs
// on a cluster of its own.
func TestAccCapacityDataSource(t *testing.T) {
	vc, tenant := acctest.Name("vc"), acctest.Name("t")
	provider, _ := ownCapacityCluster(t)
	config := provider + fmt.Sprintf(`
resource "kafkatenant_virtual_cluster" "vc" {
  name     = %q
  capacity = { producer_byte_rate = 30000000 }
}

resource "kafkatenant_tenant" "t" {
  name            = %q
  virtual_cluster = kafkatenant_virtual_cluster.vc.name
}
`, vc, tenant) + quotaFor("q", "kafkatenant_tenant.t.name", 12000000) + `
data "kafkatenant_capacity" "now" {
  depends_on = [kafkatenant_quota.q]
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "declared", "true"),
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "broker_count", "3"),
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "usable.producer_byte_rate", "80000000"),
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "allocated.producer_byte_rate", "12000000"),
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "free.producer_byte_rate", "68000000"),
				// 0.8 × (1250 − 2 × 100) MB/s for consumers.
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "usable.consumer_byte_rate", "840000000"),
				resource.TestCheckResourceAttrSet("data.kafkatenant_capacity.now", "not_checked.request_percentage"),
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "virtual_clusters."+vc+".envelope.producer_byte_rate", "30000000"),
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "virtual_clusters."+vc+".allocated.producer_byte_rate", "12000000"),
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "virtual_clusters."+vc+".free.producer_byte_rate", "18000000"),
			),
		}},
	})
}

// 0.8 × (8 + 3) × 100 is 880.0000000000001 in floating point; the output
// reads 880, a whole percent. The figures do not depend on what the cluster
// holds.
func TestAccCapacityDataSource_roundsFigures(t *testing.T) {
	config := `
provider "kafkatenant" {
  capacity = {
    io_threads      = 8
    network_threads = 3
    headroom        = 0.2
  }
}

data "kafkatenant_capacity" "now" {}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "usable.request_percentage", "880"),
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "allowed.request_percentage", "880"),
			),
		}},
	})
}
