package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

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

// TestAccTenant_scramIterations gives a tenant a credential of 8192
// iterations. The cluster must store that count; a broker that honours it
// (Apache Kafka) must let the tenant log in with it. kfake lets only users
// of 4096 iterations log in, so there the login is not asserted.
func TestAccTenant_scramIterations(t *testing.T) {
	vc, tenant := acctest.Name("vc"), acctest.Name("t")
	user := vc + "." + tenant
	checks := []resource.TestCheckFunc{
		resource.TestCheckResourceAttr("kafkatenant_tenant.test", "credentials.iterations", "8192"),
		checkSCRAMIterations(t, user, 8192),
	}
	if honoursIterations.on(t) {
		checks = append(checks, eventually(10*time.Second, checkLogin(user, "correct-horse-1", true)))
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkTenantGone(t, "User:"+user),
		Steps: []resource.TestStep{{
			Config: strings.Replace(tenantConfig(vc, tenant, 1, ""), "password_wo_version = 1", "password_wo_version = 1\n    iterations          = 8192", 1),
			Check:  resource.ComposeAggregateTestCheckFunc(checks...),
		}},
	})
}

// checkSCRAMIterations checks that every SCRAM credential of user has the
// given iteration count.
func checkSCRAMIterations(t *testing.T, user string, want int32) resource.TestCheckFunc {
	return func(*terraform.State) error {
		creds, err := acctest.AdminClient(t).DescribeSCRAM(context.Background(), user)
		if err != nil {
			return err
		}
		for _, c := range creds {
			if c.Iterations != want {
				return fmt.Errorf("the %s credential of %s has %d iterations on the cluster, want %d", c.Mechanism, user, c.Iterations, want)
			}
		}
		return nil
	}
}

// eventually retries check until it passes or the time is up, for what a
// real broker applies asynchronously, such as a new credential reaching
// every broker.
func eventually(within time.Duration, check resource.TestCheckFunc) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		deadline := time.Now().Add(within)
		for {
			err := check(s)
			if err == nil || time.Now().After(deadline) {
				return err
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
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
