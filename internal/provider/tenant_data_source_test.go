package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
)

// TestAccTenantDataSource_basic reads a tenant with budgets and topics: the
// data source shows what the resource shows, and what the topics use of
// the budgets, counting a topic created outside Terraform.
func TestAccTenantDataSource_basic(t *testing.T) {
	vc, tenant := acctest.Name("vc"), acctest.Name("t")
	user, prefix := vc+"."+tenant, vc+"."+tenant+"."
	config := tenantConfig(vc, tenant, 1, `budgets = { max_topics = 5, max_partitions = 20 }`) + `
resource "kafkatenant_topic" "orders" {
  name       = "${kafkatenant_tenant.test.topic_prefix}orders"
  tenant     = kafkatenant_tenant.test.name
  partitions = 3
  config     = { "retention.bytes" = "1000" }
}

resource "kafkatenant_topic" "audit" {
  name       = "${kafkatenant_tenant.test.topic_prefix}audit"
  tenant     = kafkatenant_tenant.test.name
  partitions = 2
}

data "kafkatenant_tenant" "read" {
  name       = kafkatenant_tenant.test.name
  depends_on = [kafkatenant_topic.orders, kafkatenant_topic.audit]
}
`
	const ds = "data.kafkatenant_tenant.read"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(ds, "id", tenant),
				resource.TestCheckResourceAttr(ds, "principal", "User:"+user),
				resource.TestCheckResourceAttr(ds, "username", user),
				resource.TestCheckResourceAttr(ds, "virtual_cluster", vc),
				resource.TestCheckResourceAttr(ds, "topic_prefix", prefix),
				resource.TestCheckResourceAttr(ds, "group_prefix", prefix),
				resource.TestCheckResourceAttr(ds, "transactional_id_prefix", prefix),
				resource.TestCheckResourceAttrPair(ds, "client_properties.%", "kafkatenant_tenant.test", "client_properties.%"),
				resource.TestCheckResourceAttr(ds, "client_properties.sasl.username", user),
				resource.TestCheckResourceAttr(ds, "client_properties.sasl.mechanism", "SCRAM-SHA-512"),
				resource.TestCheckResourceAttrPair(ds, "client_properties.bootstrap.servers", "kafkatenant_tenant.test", "client_properties.bootstrap.servers"),
				resource.TestCheckResourceAttr(ds, "acl_bindings.#", "12"),
				resource.TestCheckTypeSetElemAttr(ds, "acl_bindings.*", "TOPIC|PREFIXED|"+prefix+"|User:"+user+"|*|WRITE|ALLOW"),
				resource.TestCheckResourceAttr(ds, "budgets.max_topics", "5"),
				resource.TestCheckResourceAttr(ds, "budgets.max_partitions", "20"),
				resource.TestCheckNoResourceAttr(ds, "budgets.max_retention_bytes"),
				resource.TestCheckResourceAttr(ds, "usage.topics", "2"),
				resource.TestCheckResourceAttr(ds, "usage.partitions", "5"),
				resource.TestCheckResourceAttr(ds, "usage.retention_bytes", "3000"),
				resource.TestCheckResourceAttr(ds, "usage.unlimited_retention_topics.#", "1"),
				resource.TestCheckResourceAttr(ds, "usage.unlimited_retention_topics.0", prefix+"audit"),
			),
		}},
	})
}

// A tenant without budgets or a virtual cluster reads with those null, and
// a name the registry does not hold is an error naming it.
func TestAccTenantDataSource_plainAndMissing(t *testing.T) {
	tenant, missing := acctest.Name("t"), acctest.Name("missing")
	config := plainTenant(tenant, "") + `
data "kafkatenant_tenant" "read" {
  name = kafkatenant_tenant.test.name
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.kafkatenant_tenant.read", "principal", "User:"+tenant),
					resource.TestCheckResourceAttr("data.kafkatenant_tenant.read", "topic_prefix", tenant+"."),
					resource.TestCheckNoResourceAttr("data.kafkatenant_tenant.read", "virtual_cluster"),
					resource.TestCheckNoResourceAttr("data.kafkatenant_tenant.read", "budgets"),
					resource.TestCheckResourceAttr("data.kafkatenant_tenant.read", "usage.topics", "0"),
					resource.TestCheckResourceAttr("data.kafkatenant_tenant.read", "usage.unlimited_retention_topics.#", "0"),
				),
			},
			{
				Config: fmt.Sprintf(`
data "kafkatenant_tenant" "read" {
  name = %q
}
`, missing),
				ExpectError: expectError(`Tenant Not Found.*No tenant named "` + missing + `" is in the registry topic "_kafkatenant". A tenant is looked up by its name attribute, not its principal.*Registered tenants:`),
			},
		},
	})
}
