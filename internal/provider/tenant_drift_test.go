package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// TestAccTenant_drift removes a tenant's ACL binding and its credential
// behind Terraform's back; the plan shows both as repairs and the apply
// restores them, after which the tenant can log in again.
func TestAccTenant_drift(t *testing.T) {
	vc, tenant := acctest.Name("vc"), acctest.Name("t")
	user := vc + "." + tenant
	removed := kafka.ACL{Principal: "User:" + user, Host: "*", ResourceType: "GROUP", ResourceName: user + ".", PatternType: "PREFIXED", Operation: "READ", Permission: "ALLOW"}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: tenantConfig(vc, tenant, 1, ""),
				Check:  checkLogin(user, "correct-horse-1", true),
			},
			{
				PreConfig: func() {
					c := acctest.AdminClient(t)
					if err := c.DeleteACLs(context.Background(), []kafka.ACL{removed}); err != nil {
						t.Fatal(err)
					}
					if err := c.DeleteSCRAM(context.Background(), user, kafka.MechanismScramSHA512); err != nil {
						t.Fatal(err)
					}
				},
				Config: tenantConfig(vc, tenant, 1, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("kafkatenant_tenant.test", plancheck.ResourceActionUpdate),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTenantACLCount(t, "User:"+user, 12),
					checkLogin(user, "correct-horse-1", true),
				),
			},
			{
				// Rotation: a new version sends the new password; the old one
				// stops working.
				Config: tenantConfig(vc, tenant, 2, ""),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkLogin(user, "correct-horse-2", true),
					checkLogin(user, "correct-horse-1", false),
				),
			},
		},
	})
}

// TestAccVirtualCluster_sharedTopics shares a topic into a virtual cluster
// that already has a tenant, and takes it back: the tenant's read grant
// follows in the same apply.
func TestAccVirtualCluster_sharedTopics(t *testing.T) {
	vc, tenant, shared := acctest.Name("vc"), acctest.Name("t"), acctest.Name("shared")
	principal := "User:" + vc + "." + tenant
	read := kafka.ACL{Principal: principal, Host: "*", ResourceType: "TOPIC", ResourceName: shared, PatternType: "LITERAL", Operation: "READ", Permission: "ALLOW"}
	config := func(sharedTopics string) string {
		return fmt.Sprintf(`
resource "kafkatenant_topic" "shared" {
  name       = %q
  partitions = 1
}

resource "kafkatenant_virtual_cluster" "vc" {
  name          = %q
  shared_topics = %s
}

resource "kafkatenant_tenant" "t" {
  name            = %q
  virtual_cluster = kafkatenant_virtual_cluster.vc.name
}
`, shared, vc, sharedTopics, tenant)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkACL(t, read, false),
		Steps: []resource.TestStep{
			{Config: config("null"), Check: checkACL(t, read, false)},
			{
				Config: config("[kafkatenant_topic.shared.name]"),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkACL(t, read, true),
					resource.TestCheckResourceAttr("kafkatenant_virtual_cluster.vc", "shared_topics.#", "1"),
				),
			},
			{
				// The tenant's next plan agrees with the grant the virtual
				// cluster made: no drift.
				Config:   config("[kafkatenant_topic.shared.name]"),
				PlanOnly: true,
			},
			{Config: config("null"), Check: checkACL(t, read, false)},
		},
	})
}

func checkLogin(user, password string, want bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		return checkLoginTo(acctest.ConnectionConfig(), user, password, want)
	}
}
