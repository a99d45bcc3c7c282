package provider_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// capacityProvider declares brokers that can take 80 MB/s of producer
// traffic each: 0.8 × min(300 MB/s disk, 1.25 GB/s network) / RF 3.
// The broker count is discovered.
const capacityProvider = `
provider "kafkatenant" {
  capacity = {
    disk_write_bytes_per_second  = 300000000
    network_in_bytes_per_second  = 1250000000
    network_out_bytes_per_second = 1250000000
    replication_factor           = 3
    headroom                     = 0.2
  }
}
`

func quotaFor(label, tenantRef string, producer int) string {
	return fmt.Sprintf(`
resource "kafkatenant_quota" %q {
  tenant             = %s
  producer_byte_rate = %d
}
`, label, tenantRef, producer)
}

// Capacity tests run alone (resource.Test, not ParallelTest): they count
// every quota on the shared embedded cluster, so quotas of tests running
// beside them would change their arithmetic.

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
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: capacityProvider + tenants + quotaFor("a", "kafkatenant_tenant.a.name", 50000000)},
			{
				Config: capacityProvider + tenants + quotaFor("a", "kafkatenant_tenant.a.name", 50000000) + quotaFor("b", "kafkatenant_tenant.b.name", 50000000),
				ExpectError: expectError(`Quota Exceeds Declared Capacity.*producer_byte_rate.*this change 50 MB/s.*exceeds.*80 MB/s` +
					`.*headroom 0.2.*user=` + a),
			},
			{
				// Lowering a quota is never refused.
				Config: capacityProvider + tenants + quotaFor("a", "kafkatenant_tenant.a.name", 40000000),
				Check:  checkQuota(t, []kafka.QuotaComponent{{Type: "user", Name: a}}, map[string]float64{"producer_byte_rate": 40000000}),
			},
		},
	})
}

// TestAccQuota_fitAloneNotTogether plans two quotas that each fit the
// declared capacity alone but not together: the plan passes, and the apply
// writes one and refuses the other, leaving the cluster within capacity.
func TestAccQuota_fitAloneNotTogether(t *testing.T) {
	c, d := acctest.Name("c"), acctest.Name("d")
	config := capacityProvider + fmt.Sprintf(`
resource "kafkatenant_tenant" "c" {
  name = %q
}

resource "kafkatenant_tenant" "d" {
  name = %q
}
`, c, d) + quotaFor("c", "kafkatenant_tenant.c.name", 45000000) + quotaFor("d", "kafkatenant_tenant.d.name", 45000000)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Terraform re-plans each resource just before applying it,
				// so the second quota is refused either by that re-plan or by
				// the re-check inside the apply; both see the first quota.
				Config:      config,
				ExpectError: expectError(`Quota Exceeds Declared Capacity.*already allocated 45 MB/s \+ this change 45 MB/s`),
			},
			{
				PreConfig: func() {
					written := 0
					for _, user := range []string{c, d} {
						v, err := acctest.AdminClient(t).DescribeQuota(context.Background(), []kafka.QuotaComponent{{Type: "user", Name: user}})
						if err != nil {
							t.Fatal(err)
						}
						if len(v) > 0 {
							written++
						}
					}
					if written != 1 {
						t.Fatalf("%d of the two quotas were written, want exactly 1", written)
					}
				},
				// The next plan sees the written quota and refuses the other
				// one already at plan time.
				Config:      config,
				PlanOnly:    true,
				ExpectError: expectError(`Quota Exceeds Declared Capacity.*already allocated 45 MB/s \+ this change 45 MB/s`),
			},
		},
	})
}

func TestAccTenant_unboundedWarning(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	tenant := acctest.Name("t")
	required := requiredKafkatenant
	ctx := context.Background()
	// Warnings are only visible in the CLI's output, so this runs the real
	// CLI in a workspace of its own.
	out, err := acctest.NewWorkspace(t, required+capacityProvider+plainTenant(tenant, "")).Run(ctx, "plan", "-input=false")
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	if !expectError(`Warning: Tenant Not Bounded by a Quota.*tenant "` + tenant + `".*producer_byte_rate, consumer_byte_rate`).MatchString(out) {
		t.Errorf("the plan does not warn that the tenant is unbounded:\n%s", out)
	}
	// With a user <default> quota bounding every tenant, the warning goes.
	withDefault := required + capacityProvider + plainTenant(tenant, "") + `
resource "kafkatenant_quota" "default" {
  user               = "<default>"
  producer_byte_rate = 1000
  consumer_byte_rate = 1000
}
`
	ws := acctest.NewWorkspace(t, withDefault)
	if out, err := ws.Run(ctx, "apply", "-auto-approve", "-input=false", "-target=kafkatenant_quota.default"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		if out, err := ws.Run(context.Background(), "destroy", "-auto-approve", "-input=false"); err != nil {
			t.Errorf("destroy: %v\n%s", err, out)
		}
	})
	out, err = ws.Run(ctx, "plan", "-input=false")
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	if strings.Contains(out, "Tenant Not Bounded by a Quota") {
		t.Errorf("the plan warns although a user <default> quota bounds the tenant:\n%s", out)
	}
}

// TestAccQuota_defaultClientIDUnbounded shows that a quota Kafka applies
// once per client id cannot be counted, so with capacity declared it is
// refused with the reason and the way to bound it.
func TestAccQuota_defaultClientIDUnbounded(t *testing.T) {
	resource.Test(t, resource.TestCase{
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
