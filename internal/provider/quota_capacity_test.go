package provider_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// capacityAttributes declare brokers that can take 80 MB/s of producer
// traffic each: 0.8 × min(300 MB/s disk, 1.25 GB/s network) / RF 3. The
// broker count is discovered.
const capacityAttributes = `
  capacity = {
    disk_write_bytes_per_second  = 300000000
    network_in_bytes_per_second  = 1250000000
    network_out_bytes_per_second = 1250000000
    replication_factor           = 3
    headroom                     = 0.2
  }
`

// capacityProvider is a provider on the cluster under test that declares
// capacityAttributes.
const capacityProvider = `
provider "kafkatenant" {` + capacityAttributes + `}
`

// ownCapacityCluster starts a cluster for the test alone and returns a
// provider block declaring capacityAttributes on it, with an admin client.
// Tests whose assertions are arithmetic over every quota (or every
// envelope) on a cluster use it, so that what other tests and earlier runs
// hold on a shared cluster cannot change their figures.
func ownCapacityCluster(t *testing.T) (string, func() *kafka.Client) {
	t.Helper()
	c := acctest.OwnCluster(t)
	admin := acctest.ClientOf(t, c)
	return acctest.ProviderBlock(c, capacityAttributes), func() *kafka.Client { return admin }
}

func quotaFor(label, tenantRef string, producer int) string {
	return fmt.Sprintf(`
resource "kafkatenant_quota" %q {
  tenant             = %s
  producer_byte_rate = %d
}
`, label, tenantRef, producer)
}

func TestAccQuota_capacity(t *testing.T) {
	a, b := acctest.Name("a"), acctest.Name("b")
	tenants := fmt.Sprintf(`
resource "kafkatenant_tenant" "a" {
  name = %q
}

resource "kafkatenant_tenant" "b" {
  name = %q
}
`, a, b)
	provider, admin := ownCapacityCluster(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: provider + tenants + quotaFor("a", "kafkatenant_tenant.a.name", 50000000)},
			{
				Config: provider + tenants + quotaFor("a", "kafkatenant_tenant.a.name", 50000000) + quotaFor("b", "kafkatenant_tenant.b.name", 50000000),
				ExpectError: expectError(`Quota Exceeds Declared Capacity.*producer_byte_rate.*this change 50 MB/s.*exceeds.*80 MB/s` +
					`.*headroom 0.2.*user=` + a),
			},
			{
				// Lowering a quota is never refused.
				Config: provider + tenants + quotaFor("a", "kafkatenant_tenant.a.name", 40000000),
				Check:  checkQuotaOn(admin, []kafka.QuotaComponent{{Type: "user", Name: a}}, map[string]float64{"producer_byte_rate": 40000000}),
			},
		},
	})
}

// TestAccQuota_fitAloneNotTogether plans two quotas that each fit the
// declared capacity alone but not together. The plan sees both: the one
// planned second is refused, naming the first, and nothing is written.
func TestAccQuota_fitAloneNotTogether(t *testing.T) {
	c, d := acctest.Name("c"), acctest.Name("d")
	provider, admin := ownCapacityCluster(t)
	config := provider + fmt.Sprintf(`
resource "kafkatenant_tenant" "c" {
  name = %q
}

resource "kafkatenant_tenant" "d" {
  name = %q
}
`, c, d) + quotaFor("c", "kafkatenant_tenant.c.name", 45000000) + quotaFor("d", "kafkatenant_tenant.d.name", 45000000)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config,
				PlanOnly:    true,
				ExpectError: expectError(`Quota Exceeds Declared Capacity.*already allocated 45 MB/s \+ this change 45 MB/s.*largest holders: user=(` + c + `|` + d + `) 45 MB/s`),
			},
			{
				PreConfig: func() {
					for _, user := range []string{c, d} {
						v, err := admin().DescribeQuota(context.Background(), []kafka.QuotaComponent{{Type: "user", Name: user}})
						if err != nil {
							t.Fatal(err)
						}
						if len(v) > 0 {
							t.Fatalf("the refused plan wrote a quota for %s: %v", user, v)
						}
					}
				},
				// Either one alone fits.
				Config: provider + fmt.Sprintf(`
resource "kafkatenant_tenant" "c" {
  name = %q
}
`, c) + quotaFor("c", "kafkatenant_tenant.c.name", 45000000),
				Check: checkQuotaOn(admin, []kafka.QuotaComponent{{Type: "user", Name: c}}, map[string]float64{"producer_byte_rate": 45000000}),
			},
		},
	})
}

// TestAccCapacity_unboundedTenant plans and applies a tenant without a
// quota under declared capacity. That is not wrong in itself (its quota may
// come later), so the plan warns about nothing; the capacity data source
// reports the tenant as unbounded until a quota covers it. It runs on the
// shared cluster beside other tests: what they hold does not change that.
func TestAccCapacity_unboundedTenant(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	t.Parallel()
	tenant := acctest.Name("t")
	config := requiredProviders + capacityProvider + plainTenant(tenant, "") + `
data "kafkatenant_capacity" "c" {
  depends_on = [kafkatenant_tenant.test]
}

output "unbounded" {
  value = data.kafkatenant_capacity.c.unbounded
}
`
	ws := acctest.NewWorkspace(t, config)
	out := ws.MustRun(t, "apply", "-auto-approve", "-input=false")
	t.Cleanup(func() { ws.MustRun(t, "destroy", "-auto-approve", "-input=false") })
	if w := ourWarnings(out); len(w) > 0 {
		t.Errorf("applying a tenant without a quota warned %q:\n%s", w, out)
	}
	if !expectError(`unbounded = tolist\(\[.*principal ` + tenant + ` has no producer_byte_rate quota`).MatchString(out) {
		t.Errorf("the capacity data source does not report the tenant as unbounded:\n%s", out)
	}
}

// TestAccQuota_defaultClientIDUnbounded shows that a quota Kafka applies
// once per client id cannot be counted, so with capacity declared it is
// refused with the reason and the way to bound it, whatever else the
// cluster holds.
func TestAccQuota_defaultClientIDUnbounded(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: capacityProvider + `
resource "kafkatenant_quota" "per_client" {
  client_id          = "<default>"
  producer_byte_rate = 1000000
}
`,
			ExpectError: expectError(`Quota Exceeds Declared Capacity.*producer_byte_rate cannot be bounded.*client-id=<default>`),
		}},
	})
}

// TestAccQuota_clusterScopeCheckedOnFewestBrokers plans a cluster-scope
// quota for a new tenant whose rate fits the declared capacity divided
// over the three brokers but not on one. Its topics are created in the
// same apply, and one broker may lead them all, so the plan refuses it.
func TestAccQuota_clusterScopeCheckedOnFewestBrokers(t *testing.T) {
	tenant := acctest.Name("t")
	config := capacityProvider + plainTenant(tenant, "") + `
resource "kafkatenant_topic" "events" {
  name       = "${kafkatenant_tenant.test.topic_prefix}events"
  tenant     = kafkatenant_tenant.test.name
  partitions = 1
}

resource "kafkatenant_quota" "test" {
  tenant             = kafkatenant_tenant.test.name
  scope              = "cluster"
  producer_byte_rate = 150000000
}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config,
			PlanOnly:    true,
			ExpectError: expectError(`Cluster-Scope Quota Checked on the Fewest Brokers.*user=` + tenant + `.*checked divided over the fewest brokers that may lead them: 1`),
		}},
	})
}
