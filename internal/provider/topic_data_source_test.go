package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// TestAccTopicDataSource_basic reads a tenant's topic whose configs were
// partly set outside Terraform: the data source shows every config set on
// the topic and no broker default, and names the owning tenant.
func TestAccTopicDataSource_basic(t *testing.T) {
	tenant, loose := acctest.Name("t"), acctest.Name("loose")
	topic := tenant + ".orders"
	topics := plainTenant(tenant, "") + fmt.Sprintf(`
resource "kafkatenant_topic" "orders" {
  name               = "${kafkatenant_tenant.test.topic_prefix}orders"
  tenant             = kafkatenant_tenant.test.name
  partitions         = 3
  replication_factor = 2
  config             = { "retention.ms" = "3600000" }
}

resource "kafkatenant_topic" "loose" {
  name       = %q
  partitions = 1
}
`, loose)
	config := topics + `
data "kafkatenant_topic" "orders" {
  name = kafkatenant_topic.orders.name
}

data "kafkatenant_topic" "loose" {
  name = kafkatenant_topic.loose.name
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: topics},
			{
				PreConfig: func() {
					if err := acctest.AdminClient(t).AlterTopicConfigs(context.Background(), topic, map[string]string{"cleanup.policy": "compact"}, nil); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.kafkatenant_topic.orders", "id", topic),
					resource.TestCheckResourceAttr("data.kafkatenant_topic.orders", "partitions", "3"),
					resource.TestCheckResourceAttr("data.kafkatenant_topic.orders", "replication_factor", "2"),
					resource.TestCheckResourceAttr("data.kafkatenant_topic.orders", "tenant", tenant),
					resource.TestCheckResourceAttrPair("data.kafkatenant_topic.orders", "topic_id", "kafkatenant_topic.orders", "topic_id"),
					resource.TestCheckResourceAttr("data.kafkatenant_topic.orders", "config.%", "2"),
					resource.TestCheckResourceAttr("data.kafkatenant_topic.orders", "config.retention.ms", "3600000"),
					resource.TestCheckResourceAttr("data.kafkatenant_topic.orders", "config.cleanup.policy", "compact"),
					resource.TestCheckNoResourceAttr("data.kafkatenant_topic.loose", "tenant"),
					resource.TestCheckResourceAttr("data.kafkatenant_topic.loose", "config.%", "0"),
				),
			},
			{
				Config: `
data "kafkatenant_topic" "missing" {
  name = "ktacc-no-such-topic"
}
`,
				ExpectError: expectError(`Topic Not Found.*No topic named "ktacc-no-such-topic" exists on the cluster`),
			},
		},
	})
}

// TestAccTopicsDataSource_filters lists the topics of two tenants of a
// virtual cluster and one outside it, by tenant, by virtual cluster, by
// prefix and by all at once. A topic created outside Terraform is listed
// like the others.
func TestAccTopicsDataSource_filters(t *testing.T) {
	vc, a, b := acctest.Name("vc"), acctest.Name("a"), acctest.Name("b")
	aPrefix, bPrefix := vc+"."+a+".", vc+"."+b+"."
	config := fmt.Sprintf(`
resource "kafkatenant_virtual_cluster" "test" {
  name = %q
}

resource "kafkatenant_tenant" "a" {
  name            = %q
  virtual_cluster = kafkatenant_virtual_cluster.test.name
}

# force_destroy deletes the topic created outside Terraform with it.
resource "kafkatenant_tenant" "b" {
  name            = %q
  virtual_cluster = kafkatenant_virtual_cluster.test.name
  force_destroy   = true
}

resource "kafkatenant_topic" "a_orders" {
  name       = "${kafkatenant_tenant.a.topic_prefix}orders"
  tenant     = kafkatenant_tenant.a.name
  partitions = 3
}

resource "kafkatenant_topic" "a_audit" {
  name       = "${kafkatenant_tenant.a.topic_prefix}audit"
  tenant     = kafkatenant_tenant.a.name
  partitions = 1
}

resource "kafkatenant_topic" "b" {
  name       = "${kafkatenant_tenant.b.topic_prefix}orders"
  tenant     = kafkatenant_tenant.b.name
  partitions = 2
}
`, vc, a, b)
	reads := `
data "kafkatenant_topics" "tenant_a" {
  tenant     = kafkatenant_tenant.a.name
  depends_on = [kafkatenant_topic.a_orders, kafkatenant_topic.a_audit, kafkatenant_topic.b]
}

data "kafkatenant_topics" "vc" {
  virtual_cluster = kafkatenant_virtual_cluster.test.name
  depends_on      = [kafkatenant_topic.a_orders, kafkatenant_topic.a_audit, kafkatenant_topic.b]
}

data "kafkatenant_topics" "orders" {
  virtual_cluster = kafkatenant_virtual_cluster.test.name
  prefix          = "${kafkatenant_tenant.a.topic_prefix}ord"
  depends_on      = [kafkatenant_topic.a_orders, kafkatenant_topic.a_audit, kafkatenant_topic.b]
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					_, err := acctest.AdminClient(t).CreateTopic(context.Background(), kafka.TopicSpec{Name: bPrefix + "outside", Partitions: 4, ReplicationFactor: 1})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: config + reads,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.kafkatenant_topics.tenant_a", "id", "|"+a+"|"),
					resource.TestCheckResourceAttr("data.kafkatenant_topics.tenant_a", "names.#", "2"),
					resource.TestCheckResourceAttr("data.kafkatenant_topics.tenant_a", "names.0", aPrefix+"audit"),
					resource.TestCheckResourceAttr("data.kafkatenant_topics.tenant_a", "names.1", aPrefix+"orders"),
					resource.TestCheckResourceAttr("data.kafkatenant_topics.tenant_a", "topics.1.partitions", "3"),
					resource.TestCheckResourceAttr("data.kafkatenant_topics.tenant_a", "topics.1.tenant", a),
					resource.TestCheckResourceAttr("data.kafkatenant_topics.tenant_a", "topics.1.replication_factor", "3"),
					resource.TestCheckResourceAttr("data.kafkatenant_topics.vc", "names.#", "4"),
					resource.TestCheckResourceAttr("data.kafkatenant_topics.vc", "names.2", bPrefix+"orders"),
					resource.TestCheckResourceAttr("data.kafkatenant_topics.vc", "names.3", bPrefix+"outside"),
					resource.TestCheckResourceAttr("data.kafkatenant_topics.vc", "topics.3.partitions", "4"),
					resource.TestCheckResourceAttr("data.kafkatenant_topics.vc", "topics.3.tenant", b),
					resource.TestCheckResourceAttr("data.kafkatenant_topics.orders", "names.#", "1"),
					resource.TestCheckResourceAttr("data.kafkatenant_topics.orders", "names.0", aPrefix+"orders"),
				),
			},
			{
				Config: config + `
data "kafkatenant_topics" "missing" {
  tenant = "ktacc-no-such-tenant"
}
`,
				ExpectError: expectError(`Tenant Not Found.*No tenant named "ktacc-no-such-tenant"`),
			},
		},
	})
}
