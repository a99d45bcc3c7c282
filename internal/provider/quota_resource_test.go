package provider_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

func TestAccQuota_basic(t *testing.T) {
	tenant := acctest.Name("t")
	entity := []kafka.QuotaComponent{{Type: "user", Name: tenant}}
	config := func(producer int, extra string) string {
		return plainTenant(tenant, "") + fmt.Sprintf(`
resource "kafkatenant_quota" "test" {
  tenant             = kafkatenant_tenant.test.name
  producer_byte_rate = %d
  consumer_byte_rate = 2000000
  %s
}
`, producer, extra)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkQuota(t, entity, nil),
		Steps: []resource.TestStep{
			{
				Config: config(1000000, ""),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("kafkatenant_quota.test", "entity", "user="+tenant),
					resource.TestCheckResourceAttr("kafkatenant_quota.test", "user", tenant),
					resource.TestCheckResourceAttr("kafkatenant_quota.test", "per_broker.producer_byte_rate", "1000000"),
					checkQuota(t, entity, map[string]float64{"producer_byte_rate": 1000000, "consumer_byte_rate": 2000000}),
				),
			},
			{
				ResourceName:      "kafkatenant_quota.test",
				ImportState:       true,
				ImportStateId:     "user=" + tenant,
				ImportStateVerify: true,
			},
			{
				// A changed value is an in-place update; a removed key is
				// removed from the cluster.
				Config: plainTenant(tenant, "") + `
resource "kafkatenant_quota" "test" {
  tenant             = kafkatenant_tenant.test.name
  producer_byte_rate = 1500000
  request_percentage = 12.5
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("kafkatenant_quota.test", plancheck.ResourceActionUpdate)},
				},
				Check: checkQuota(t, entity, map[string]float64{"producer_byte_rate": 1500000, "request_percentage": 12.5}),
			},
			{
				// Changed outside Terraform: the plan repairs it.
				PreConfig: func() {
					if err := acctest.AdminClient(t).AlterQuota(context.Background(), entity, map[string]float64{"producer_byte_rate": 1}, nil, false); err != nil {
						t.Fatal(err)
					}
				},
				Config: plainTenant(tenant, "") + `
resource "kafkatenant_quota" "test" {
  tenant             = kafkatenant_tenant.test.name
  producer_byte_rate = 1500000
  request_percentage = 12.5
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("kafkatenant_quota.test", plancheck.ResourceActionUpdate)},
				},
				Check: checkQuota(t, entity, map[string]float64{"producer_byte_rate": 1500000, "request_percentage": 12.5}),
			},
		},
	})
}

func TestAccQuota_entities(t *testing.T) {
	tenant := acctest.Name("t")
	ip := "10.77.0.9"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkQuota(t, []kafka.QuotaComponent{{Type: "user", Name: tenant}, {Type: "client-id", Name: "batch"}}, nil),
			checkQuota(t, []kafka.QuotaComponent{{Type: "ip", Name: ip}}, nil),
		),
		Steps: []resource.TestStep{{
			Config: plainTenant(tenant, "") + fmt.Sprintf(`
resource "kafkatenant_quota" "carve_out" {
  tenant             = kafkatenant_tenant.test.name
  client_id          = "batch"
  producer_byte_rate = 300000
}

resource "kafkatenant_quota" "ip" {
  ip                       = %q
  connection_creation_rate = 5
}
`, ip),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("kafkatenant_quota.carve_out", "entity", "user="+tenant+",client-id=batch"),
				checkQuota(t, []kafka.QuotaComponent{{Type: "user", Name: tenant}, {Type: "client-id", Name: "batch"}}, map[string]float64{"producer_byte_rate": 300000}),
				checkQuota(t, []kafka.QuotaComponent{{Type: "ip", Name: ip}}, map[string]float64{"connection_creation_rate": 5}),
			),
		}},
	})
}

func TestAccQuota_kafkaRules(t *testing.T) {
	quota := func(body string) string { return "resource \"kafkatenant_quota\" \"test\" {\n" + body + "\n}\n" }
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: quota(`user = "a"` + "\n" + `connection_creation_rate = 5`), ExpectError: expectError(`Quota Key Not Valid for Entity.*connection_creation_rate on a user or client-id quota entity`)},
			{Config: quota(`ip = "10.0.0.1"` + "\n" + `producer_byte_rate = 5`), ExpectError: expectError(`Quota Key Not Valid for Entity.*producer_byte_rate on a ip quota entity`)},
			{Config: quota(`ip = "10.0.0.1"` + "\n" + `client_id = "b"` + "\n" + `connection_creation_rate = 5`), ExpectError: expectError(`Invalid Attribute Combination`)},
			{Config: quota(`user = "a"`), ExpectError: expectError(`Missing Attribute Configuration.*producer_byte_rate`)},
			{Config: quota(`user = "a"` + "\n" + `producer_byte_rate = 0`), ExpectError: expectError(`Invalid Whole Number.*producer_byte_rate = 0 is out of range; use a whole number from 1 to 1000000000000000`)},
			{Config: quota(`user = "a"` + "\n" + `producer_byte_rate = 1.5`), ExpectError: expectError(`Invalid Whole Number.*producer_byte_rate = 1.5 is not a whole number; use a whole number from 1 to 1000000000000000`)},
			{Config: quota(`user = "<default>"` + "\n" + `scope = "cluster"` + "\n" + `producer_byte_rate = 5`), ExpectError: expectError(`Cluster Scope Needs a Principal`)},
			{Config: quota(`user = "a"` + "\n" + `scope = "region"` + "\n" + `producer_byte_rate = 5`), ExpectError: expectError(`scope value must be one of`)},
		},
	})
}

// TestAccQuota_enforced applies a tenant with a producer quota of 1 KiB/s
// and produces well over it as the tenant: a broker that throttles (Apache
// Kafka) must throttle the tenant's client, so the quota the provider wrote
// is the one the broker enforces. kfake never throttles; there the test is
// skipped with what the probe found.
func TestAccQuota_enforced(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	if !throttles.on(t) {
		t.Skipf("the cluster under test does not throttle, so no quota can be seen at work: %s", throttles.finding)
	}
	vc, tenant := acctest.Name("vc"), acctest.Name("t")
	user := vc + "." + tenant
	topic := user + ".events"
	config := tenantConfig(vc, tenant, 1, "") + fmt.Sprintf(`
resource "kafkatenant_topic" "events" {
  name       = %q
  tenant     = kafkatenant_tenant.test.name
  partitions = 1
}

resource "kafkatenant_quota" "test" {
  tenant             = kafkatenant_tenant.test.name
  producer_byte_rate = 1024
}
`, topic)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkTenantGone(t, "User:"+user),
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				var throttled throttleWatch
				cl := loginAs(t, user, "correct-horse-1").client(t, kgo.WithHooks(&throttled))
				value := make([]byte, 16<<10)
				for i := 0; i < 64 && throttled.count.Load() == 0; i++ {
					if err := cl.ProduceSync(context.Background(), &kgo.Record{Topic: topic, Value: value}).FirstErr(); err != nil {
						return fmt.Errorf("producing to %s as %s: %w", topic, user, err)
					}
				}
				if throttled.count.Load() == 0 {
					return fmt.Errorf("1 MiB produced as %s against its 1 KiB/s quota drew no throttle from the broker", user)
				}
				return nil
			},
		}},
	})
}

func checkQuota(t *testing.T, entity []kafka.QuotaComponent, want map[string]float64) resource.TestCheckFunc {
	return checkQuotaOn(func() *kafka.Client { return acctest.AdminClient(t) }, entity, want)
}

// checkQuotaOn checks the quota on the cluster the client connects to.
func checkQuotaOn(client func() *kafka.Client, entity []kafka.QuotaComponent, want map[string]float64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := client().DescribeQuota(context.Background(), entity)
		if err != nil {
			return err
		}
		if len(got) != len(want) {
			return fmt.Errorf("quota of %s on the cluster = %v, want %v", kafka.EntityKey(entity), got, want)
		}
		for k, v := range want {
			if got[k] != v {
				return fmt.Errorf("quota of %s on the cluster = %v, want %v", kafka.EntityKey(entity), got, want)
			}
		}
		return nil
	}
}

// TestAccQuota_clusterScope gives a tenant a cluster-wide rate and checks
// that each broker gets the rate divided by the brokers leading the
// tenant's partitions, recomputed when leadership moves.
func TestAccQuota_clusterScope(t *testing.T) {
	fake := acctest.Embedded(t, "move partition leaders between brokers").Fake
	tenant := acctest.Name("t")
	topic := tenant + ".events"
	base := plainTenant(tenant, "") + fmt.Sprintf(`
resource "kafkatenant_topic" "events" {
  name       = %q
  tenant     = kafkatenant_tenant.test.name
  partitions = 3
}
`, topic)
	withQuota := base + `
resource "kafkatenant_quota" "test" {
  tenant             = kafkatenant_tenant.test.name
  scope              = "cluster"
  producer_byte_rate = 30000000
  depends_on         = [kafkatenant_topic.events]
}
`
	lead := func(brokers ...int32) func() {
		return func() {
			for p := int32(0); p < 3; p++ {
				if err := fake.MoveTopicPartition(topic, p, brokers[int(p)%len(brokers)]); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	share := func(perBroker string) resource.TestCheckFunc {
		v, _ := strconv.ParseFloat(perBroker, 64)
		return resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckResourceAttr("kafkatenant_quota.test", "producer_byte_rate", "30000000"),
			resource.TestCheckResourceAttr("kafkatenant_quota.test", "per_broker.producer_byte_rate", perBroker),
			checkQuota(t, []kafka.QuotaComponent{{Type: "user", Name: tenant}}, map[string]float64{"producer_byte_rate": v}),
		)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: base},
			// Three brokers lead the tenant's partitions: a third each.
			{PreConfig: lead(0, 1, 2), Config: withQuota, Check: share("10000000")},
			{
				// Leadership moves to one broker: the plan rewrites the
				// per-broker value.
				PreConfig: lead(0),
				Config:    withQuota,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("kafkatenant_quota.test", plancheck.ResourceActionUpdate)},
				},
				Check: share("30000000"),
			},
		},
	})
}

// TestAccQuota_clusterScopeConvergesInOneApply applies a tenant, a topic
// with one partition (so one broker leads the tenant's partitions) and a
// cluster-scope quota in one configuration. After the one apply the
// cluster holds the whole rate on each broker, and the next plan is empty,
// whichever of the quota and the topic is written first: when the quota
// comes first it is divided over every broker, and the topic's create
// divides it again.
func TestAccQuota_clusterScopeConvergesInOneApply(t *testing.T) {
	for name, topicAfterQuota := range map[string]bool{"in parallel": false, "quota first": true} {
		t.Run(name, func(t *testing.T) {
			tenant := acctest.Name("t")
			dependsOn := ""
			if topicAfterQuota {
				dependsOn = "depends_on = [kafkatenant_quota.test]"
			}
			config := plainTenant(tenant, "") + fmt.Sprintf(`
resource "kafkatenant_topic" "events" {
  name       = "${kafkatenant_tenant.test.topic_prefix}events"
  tenant     = kafkatenant_tenant.test.name
  partitions = 1
  %s
}

resource "kafkatenant_quota" "test" {
  tenant             = kafkatenant_tenant.test.name
  scope              = "cluster"
  producer_byte_rate = 30000000
}
`, dependsOn)
			whole := checkQuota(t, []kafka.QuotaComponent{{Type: "user", Name: tenant}}, map[string]float64{"producer_byte_rate": 30000000})
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{
					{Config: config, Check: whole},
					{Config: config, PlanOnly: true},
					{Config: config, Check: resource.ComposeAggregateTestCheckFunc(whole,
						resource.TestCheckResourceAttr("kafkatenant_quota.test", "per_broker.producer_byte_rate", "30000000"))},
				},
			})
		})
	}
}

// A quota may name both tenant and user, as terraform plan
// -generate-config-out writes an imported one, when the user is the
// tenant's; another user is refused at plan, or at apply when the tenant
// is created by the same apply.
func TestAccQuota_tenantAndUser(t *testing.T) {
	tenant, later := acctest.Name("t"), acctest.Name("later")
	quota := func(label, tenantRef, user string) string {
		return fmt.Sprintf(`
resource "kafkatenant_quota" %q {
  tenant             = %s
  user               = %q
  producer_byte_rate = 1000000
}
`, label, tenantRef, user)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: plainTenant(tenant, "") + quota("test", "kafkatenant_tenant.test.name", tenant),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("kafkatenant_quota.test", "entity", "user="+tenant),
					checkQuota(t, []kafka.QuotaComponent{{Type: "user", Name: tenant}}, map[string]float64{"producer_byte_rate": 1000000}),
				),
			},
			{
				Config:      plainTenant(tenant, "") + quota("test", "kafkatenant_tenant.test.name", "someone-else"),
				ExpectError: expectError(`Quota User Does Not Match Tenant.*The quota names tenant "` + tenant + `", whose user is "` + tenant + `", and user "someone-else"`),
			},
			{
				Config: plainTenant(tenant, "") + quota("test", "kafkatenant_tenant.test.name", tenant) + fmt.Sprintf(`
resource "kafkatenant_tenant" "later" {
  name = %q
}
`, later) + quota("later", "kafkatenant_tenant.later.name", "someone-else"),
				ExpectError: expectError(`Quota User Does Not Match Tenant.*The quota names tenant "` + later + `", whose user is "` + later + `"`),
			},
		},
	})
}
