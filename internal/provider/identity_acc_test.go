package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
)

// The tests of resource identity (Terraform 1.12+, OpenTofu 1.12+), one
// per resource: the identity is in state after apply, and an import block
// with that identity, in a new state, plans a no-op import whose identity
// and attributes match (terraform-plugin-testing fails the step on any
// planned change), as does an import block with the import ID. Under an
// older CLI they skip, saying how to run them: `make testacc-identity`.

// identitySteps are the steps of an identity test of the resource at addr.
func identitySteps(config, addr string, identity map[string]knownvalue.Check) []resource.TestStep {
	return []resource.TestStep{
		{
			Config:            config,
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(addr, identity)},
		},
		{
			ResourceName:    addr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithResourceIdentity,
		},
		{
			ResourceName:    addr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
		},
	}
}

func identityTest(t *testing.T, config, addr string, identity map[string]knownvalue.Check) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.RequireIdentity()},
		Steps:                    identitySteps(config, addr, identity),
	})
}

func TestAccTopic_identity(t *testing.T) {
	name := acctest.Name("topic")
	identityTest(t, topicConfig(name, 2, `{ "retention.ms" = "3600000" }`), "kafkatenant_topic.test",
		map[string]knownvalue.Check{"name": knownvalue.StringExact(name)})
}

func TestAccTenant_identity(t *testing.T) {
	// Without a credential: its password cannot be read back, so an
	// imported credential always plans its version (see the import docs).
	name := acctest.Name("t")
	identityTest(t, plainTenant(name, ""), "kafkatenant_tenant.test",
		map[string]knownvalue.Check{"name": knownvalue.StringExact(name)})
}

func TestAccVirtualCluster_identity(t *testing.T) {
	name := acctest.Name("vc")
	config := fmt.Sprintf(`
resource "kafkatenant_virtual_cluster" "test" {
  name = %q
}
`, name)
	identityTest(t, config, "kafkatenant_virtual_cluster.test",
		map[string]knownvalue.Check{"name": knownvalue.StringExact(name)})
}

func TestAccQuota_identity(t *testing.T) {
	user := acctest.Name("u")
	config := fmt.Sprintf(`
resource "kafkatenant_quota" "test" {
  user               = %q
  client_id          = "batch"
  producer_byte_rate = 1000000
}
`, user)
	identityTest(t, config, "kafkatenant_quota.test", map[string]knownvalue.Check{
		"user":      knownvalue.StringExact(user),
		"client_id": knownvalue.StringExact("batch"),
		"ip":        knownvalue.Null(),
	})
}

func TestAccACL_identity(t *testing.T) {
	principal := "User:CN=" + acctest.Name("connect") + ",OU=platform"
	topic := acctest.Name("shared")
	identityTest(t, aclConfig(principal, "TOPIC", topic, "READ"), "kafkatenant_acl.test", map[string]knownvalue.Check{
		"resource_type": knownvalue.StringExact("TOPIC"),
		"pattern_type":  knownvalue.StringExact("LITERAL"),
		"resource_name": knownvalue.StringExact(topic),
		"principal":     knownvalue.StringExact(principal),
		"host":          knownvalue.StringExact("*"),
		"operation":     knownvalue.StringExact("READ"),
		"permission":    knownvalue.StringExact("ALLOW"),
	})
}
