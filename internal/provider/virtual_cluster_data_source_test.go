package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
)

// TestAccVirtualClusterDataSource_basic reads a virtual cluster with an
// envelope, a shared topic and two tenants, one with a quota: what its
// tenants hold and what is left, as the resource reports them.
func TestAccVirtualClusterDataSource_basic(t *testing.T) {
	vc, a, b, shared := acctest.Name("vc"), acctest.Name("a"), acctest.Name("b"), acctest.Name("shared")
	config := fmt.Sprintf(`
resource "kafkatenant_topic" "shared" {
  name       = %[4]q
  partitions = 1
}

resource "kafkatenant_virtual_cluster" "test" {
  name              = %[1]q
  bootstrap_servers = ["kafka.example.com:9092"]
  shared_topics     = [kafkatenant_topic.shared.name]
  capacity = {
    producer_byte_rate = 30000000
    request_percentage = 150.5
  }
}

resource "kafkatenant_tenant" "b" {
  name            = %[3]q
  virtual_cluster = kafkatenant_virtual_cluster.test.name
}

resource "kafkatenant_tenant" "a" {
  name            = %[2]q
  virtual_cluster = kafkatenant_virtual_cluster.test.name
}
`, vc, a, b, shared) + quotaFor("q", "kafkatenant_tenant.a.name", 12000000) + `
data "kafkatenant_virtual_cluster" "read" {
  name       = kafkatenant_virtual_cluster.test.name
  depends_on = [kafkatenant_quota.q, kafkatenant_tenant.b]
}
`
	const ds = "data.kafkatenant_virtual_cluster.read"
	first, second := a, b
	if b < a {
		first, second = b, a
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(ds, "id", vc),
					resource.TestCheckResourceAttr(ds, "prefix", vc+"."),
					resource.TestCheckResourceAttr(ds, "bootstrap_servers.#", "1"),
					resource.TestCheckResourceAttr(ds, "bootstrap_servers.0", "kafka.example.com:9092"),
					resource.TestCheckResourceAttr(ds, "client_properties.bootstrap.servers", "kafka.example.com:9092"),
					resource.TestCheckResourceAttr(ds, "client_properties.security.protocol", "SASL_PLAINTEXT"),
					resource.TestCheckResourceAttr(ds, "capacity.producer_byte_rate", "30000000"),
					resource.TestCheckResourceAttr(ds, "capacity.request_percentage", "150.5"),
					resource.TestCheckNoResourceAttr(ds, "capacity.consumer_byte_rate"),
					resource.TestCheckResourceAttr(ds, "allocated.producer_byte_rate", "12000000"),
					resource.TestCheckResourceAttr(ds, "free.producer_byte_rate", "18000000"),
					resource.TestCheckResourceAttr(ds, "shared_topics.#", "1"),
					resource.TestCheckTypeSetElemAttr(ds, "shared_topics.*", shared),
					resource.TestCheckResourceAttr(ds, "tenants.#", "2"),
					resource.TestCheckResourceAttr(ds, "tenants.0", first),
					resource.TestCheckResourceAttr(ds, "tenants.1", second),
				),
			},
			{
				Config: `
data "kafkatenant_virtual_cluster" "read" {
  name = "ktacc-no-such-vc"
}
`,
				ExpectError: expectError(`Virtual Cluster Not Found.*No virtual cluster named "ktacc-no-such-vc" is in the registry topic`),
			},
		},
	})
}
