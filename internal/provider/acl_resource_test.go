package provider_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

func TestAccACL_basic(t *testing.T) {
	// A principal with ':' and ',' in its name, as mTLS principals have.
	principal := "User:CN=" + acctest.Name("connect") + ",OU=platform"
	topic := acctest.Name("shared")
	want := kafka.ACL{Principal: principal, Host: "*", ResourceType: "TOPIC", ResourceName: topic, PatternType: "LITERAL", Operation: "DESCRIBE_CONFIGS", Permission: "ALLOW"}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkACL(t, want, false),
		Steps: []resource.TestStep{
			{
				// Lower case and dashes are accepted; the cluster holds
				// the canonical binding.
				Config: aclConfig(principal, "topic", topic, "describe-configs"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("kafkatenant_acl.test", "id", "TOPIC|LITERAL|"+topic+"|"+principal+"|*|DESCRIBE_CONFIGS|ALLOW"),
					resource.TestCheckResourceAttr("kafkatenant_acl.test", "host", "*"),
					resource.TestCheckResourceAttr("kafkatenant_acl.test", "permission", "ALLOW"),
					checkACL(t, want, true),
				),
			},
			{
				// Respelling the same binding updates state in place and
				// leaves the cluster's binding alone.
				Config: aclConfig(principal, "TOPIC", topic, "DESCRIBE_CONFIGS"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("kafkatenant_acl.test", plancheck.ResourceActionUpdate)},
				},
				Check: checkACL(t, want, true),
			},
			{
				ResourceName:      "kafkatenant_acl.test",
				ImportState:       true,
				ImportStateId:     "TOPIC|LITERAL|" + topic + "|" + principal + "|*|DESCRIBE_CONFIGS|ALLOW",
				ImportStateVerify: true,
			},
			{
				// Deleted out of band: the plan recreates it.
				PreConfig: func() {
					if err := acctest.AdminClient(t).DeleteACLs(context.Background(), []kafka.ACL{want}); err != nil {
						t.Fatal(err)
					}
				},
				Config: aclConfig(principal, "TOPIC", topic, "DESCRIBE_CONFIGS"),
				Check:  checkACL(t, want, true),
			},
		},
	})
}

func TestAccACL_invalid(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: aclConfig("User:x", "topics", "t", "READ"), ExpectError: expectError(`Invalid ACL Resource Type.*"topics" is not a Kafka ACL resource type.*TOPIC, GROUP`)},
			{Config: aclConfig("User:x", "TOPIC", "t", "reed"), ExpectError: expectError(`Invalid ACL Operation.*"reed" is not a Kafka ACL operation`)},
			{Config: aclConfig("x", "TOPIC", "t", "READ"), ExpectError: expectError(`Invalid Principal.*has no ':'`)},
			{Config: aclConfig("User:x", "CLUSTER", "my-cluster", "ALTER"), ExpectError: expectError(`Invalid Cluster Resource Name.*resource_name = "kafka-cluster"`)},
		},
	})
}

func TestAccACL_crossTenant(t *testing.T) {
	vc, a, b := acctest.Name("vc"), acctest.Name("a"), acctest.Name("b")
	bTopic := vc + "." + b + ".orders"
	base := tenantPairConfig(vc, a, b)
	grant := func(cross string) string {
		return base + fmt.Sprintf(`
resource "kafkatenant_acl" "share" {
  principal     = kafkatenant_tenant.a.principal
  resource_type = "TOPIC"
  resource_name = %q
  operation     = "READ"
  %s
}
`, bTopic, cross)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: base},
			{
				Config:      grant(""),
				ExpectError: expectError(`Cross-Tenant Grant Not Marked.*lets tenant "` + a + `" into the namespace of tenant "` + b + `".*set cross_tenant = true`),
			},
			{
				Config: grant("cross_tenant = true"),
				Check: checkACL(t, kafka.ACL{Principal: "User:" + vc + "." + a, Host: "*", ResourceType: "TOPIC", ResourceName: bTopic,
					PatternType: "LITERAL", Operation: "READ", Permission: "ALLOW"}, true),
			},
		},
	})
}

func tenantPairConfig(vc, a, b string) string {
	return fmt.Sprintf(`
resource "kafkatenant_virtual_cluster" "vc" {
  name = %q
}

resource "kafkatenant_tenant" "a" {
  name            = %q
  virtual_cluster = kafkatenant_virtual_cluster.vc.name
}

resource "kafkatenant_tenant" "b" {
  name            = %q
  virtual_cluster = kafkatenant_virtual_cluster.vc.name
}
`, vc, a, b)
}

func aclConfig(principal, resourceType, name, operation string) string {
	return fmt.Sprintf(`
resource "kafkatenant_acl" "test" {
  principal     = %q
  resource_type = %q
  resource_name = %q
  operation     = %q
}
`, principal, resourceType, name, operation)
}

func checkACL(t *testing.T, want kafka.ACL, exists bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		live, err := acctest.AdminClient(t).DescribeACLs(context.Background(), want.Principal)
		if err != nil {
			return err
		}
		if slices.Contains(live, want) != exists {
			return fmt.Errorf("ACL %s present = %t, want %t (cluster holds %v)", want, !exists, exists, live)
		}
		return nil
	}
}
