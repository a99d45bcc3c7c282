package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
)

func TestAccTenant_basic(t *testing.T) {
	vc, tenant := acctest.Name("vc"), acctest.Name("t")
	prefix := vc + "." + tenant + "."
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkTenantGone(t, "User:"+vc+"."+tenant),
		Steps: []resource.TestStep{
			{
				Config: tenantConfig(vc, tenant, 1, ""),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("kafkatenant_tenant.test", "principal", "User:"+vc+"."+tenant),
					resource.TestCheckResourceAttr("kafkatenant_tenant.test", "username", vc+"."+tenant),
					resource.TestCheckResourceAttr("kafkatenant_tenant.test", "topic_prefix", prefix),
					resource.TestCheckResourceAttr("kafkatenant_tenant.test", "group_prefix", prefix),
					resource.TestCheckResourceAttr("kafkatenant_tenant.test", "transactional_id_prefix", prefix),
					resource.TestCheckResourceAttr("kafkatenant_tenant.test", "acl_bindings.#", "12"),
					resource.TestCheckResourceAttr("kafkatenant_tenant.test", "client_properties.sasl.mechanism", "SCRAM-SHA-512"),
					resource.TestCheckResourceAttr("kafkatenant_tenant.test", "client_properties.sasl.username", vc+"."+tenant),
					resource.TestCheckNoResourceAttr("kafkatenant_tenant.test", "credentials.password_wo"),
					resource.TestCheckResourceAttr("kafkatenant_virtual_cluster.test", "prefix", vc+"."),
					checkTenantACLCount(t, "User:"+vc+"."+tenant, 12),
				),
			},
			{
				ResourceName:            "kafkatenant_tenant.test",
				ImportState:             true,
				ImportStateId:           tenant,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"credentials.password_wo_version"},
			},
			{
				ResourceName:      "kafkatenant_virtual_cluster.test",
				ImportState:       true,
				ImportStateId:     vc,
				ImportStateVerify: true,
			},
			{
				Config: tenantConfig(vc, tenant, 2, `budgets = { max_topics = 5 }`),
				Check:  resource.TestCheckResourceAttr("kafkatenant_tenant.test", "budgets.max_topics", "5"),
			},
		},
	})
}

func tenantConfig(vc, tenant string, version int, extra string) string {
	return fmt.Sprintf(`
resource "kafkatenant_virtual_cluster" "test" {
  name = %q
}

resource "kafkatenant_tenant" "test" {
  name            = %q
  virtual_cluster = kafkatenant_virtual_cluster.test.name
  credentials = {
    password_wo         = "correct-horse-%d"
    password_wo_version = %d
  }
  %s
}
`, vc, tenant, version, version, extra)
}

func checkTenantACLCount(t *testing.T, principal string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		acls, err := acctest.AdminClient(t).DescribeACLs(context.Background(), principal)
		if err != nil {
			return err
		}
		if len(acls) != want {
			return fmt.Errorf("%s holds %d ACLs on the cluster, want %d: %v", principal, len(acls), want, acls)
		}
		return nil
	}
}

func checkTenantGone(t *testing.T, principal string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if err := checkTenantACLCount(t, principal, 0)(s); err != nil {
			return err
		}
		if _, err := acctest.AdminClient(t).DescribeSCRAM(context.Background(), principal[len("User:"):]); err == nil {
			return fmt.Errorf("%s still has a SCRAM credential after destroy", principal)
		}
		return nil
	}
}
