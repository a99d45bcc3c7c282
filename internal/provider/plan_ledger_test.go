package provider_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// untouched is a step that runs nothing but asserts that a refused plan
// left the cluster as it was: none of the named topics, users (and their
// principals' ACLs and quotas) or registry records exist.
func untouched(t *testing.T, topics, users, records []string) resource.TestStep {
	return resource.TestStep{
		PreConfig: func() {
			ctx := context.Background()
			c := acctest.AdminClient(t)
			all, err := c.ListTopics(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, topic := range topics {
				if _, ok := all[topic]; ok {
					t.Errorf("the refused plan created topic %s", topic)
				}
			}
			scram, err := c.ListSCRAMUsers(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range users {
				if slices.Contains(scram, u) {
					t.Errorf("the refused plan created SCRAM user %s", u)
				}
				if acls, err := c.DescribeACLs(ctx, "User:"+u); err != nil || len(acls) > 0 {
					t.Errorf("the refused plan left ACLs of User:%s: %v %v", u, acls, err)
				}
				if q, err := c.DescribeQuota(ctx, []kafka.QuotaComponent{{Type: "user", Name: u}}); err != nil || len(q) > 0 {
					t.Errorf("the refused plan left a quota on user=%s: %v %v", u, q, err)
				}
			}
			snap, err := c.RefreshRegistry(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, key := range records {
				if _, ok := snap.Records[key]; ok {
					t.Errorf("the refused plan registered %s", key)
				}
			}
		},
		Config: `# nothing`,
	}
}

// TestAccLedger_newTenantsOverlap plans two new tenants whose prefixes
// overlap: the plan is refused before anything is created, naming the
// other tenant, for a dotted prefix inside another and for two undotted
// names where one starts the other.
func TestAccLedger_newTenantsOverlap(t *testing.T) {
	a, b := acctest.Name("a"), acctest.Name("b")
	pair := func(prefixA, prefixB string) string {
		return fmt.Sprintf(`
resource "kafkatenant_tenant" "a" {
  name                    = %[1]q
  topic_prefix            = %[3]q
  group_prefix            = %[3]q
  transactional_id_prefix = %[3]q
}

resource "kafkatenant_tenant" "b" {
  name                    = %[2]q
  topic_prefix            = %[4]q
  group_prefix            = %[4]q
  transactional_id_prefix = %[4]q
}
`, a, b, prefixA, prefixB)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      pair(a+".", a+".x."),
				PlanOnly:    true,
				ExpectError: expectError(`Overlapping Prefixes.*overlaps the prefix "` + a + `(\.x)?\." of tenant "(` + a + `|` + b + `)"`),
			},
			{
				Config:      pair(a+"team", a+"teamb"),
				PlanOnly:    true,
				ExpectError: expectError(`Overlapping Prefixes.*of tenant "(` + a + `|` + b + `)"`),
			},
			untouched(t, nil, []string{a, b}, []string{"tenant/" + a, "tenant/" + b}),
		},
	})
}

// TestAccLedger_topicOutsideNewTenant plans a new tenant and a topic of it
// named outside its prefix: refused at plan, with the name to use.
func TestAccLedger_topicOutsideNewTenant(t *testing.T) {
	tenant := acctest.Name("t")
	topic := acctest.Name("elsewhere") + ".orders"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: plainTenant(tenant, "") + fmt.Sprintf(`
resource "kafkatenant_topic" "orders" {
  name       = %q
  tenant     = kafkatenant_tenant.test.name
  partitions = 1
}
`, topic),
				PlanOnly:    true,
				ExpectError: expectError(`Topic Outside Tenant Namespace.*"` + topic + `" belongs to tenant "` + tenant + `".*Name it "` + tenant + `.orders"`),
			},
			untouched(t, []string{topic}, []string{tenant}, []string{"tenant/" + tenant}),
		},
	})
}

// TestAccLedger_newTenantBudgets plans a new tenant with budgets and more
// new topics than they allow: the topics of the plan are summed.
func TestAccLedger_newTenantBudgets(t *testing.T) {
	tenant := acctest.Name("t")
	config := func(budgets string, partitions ...int) string {
		out := plainTenant(tenant, "budgets = "+budgets)
		for i, p := range partitions {
			out += fmt.Sprintf(`
resource "kafkatenant_topic" "t%[1]d" {
  name       = "%[2]s.t%[1]d"
  tenant     = kafkatenant_tenant.test.name
  partitions = %[3]d
}
`, i, tenant, p)
		}
		return out
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config("{ max_topics = 2 }", 1, 1, 1),
				PlanOnly:    true,
				ExpectError: expectError(`Tenant Budget Exceeded.*may have 2 topics \(budgets.max_topics\) and already has 2`),
			},
			{
				Config:      config("{ max_partitions = 10 }", 6, 6),
				PlanOnly:    true,
				ExpectError: expectError(`Tenant Budget Exceeded.*may have 10 partitions.*its other topics have 6 and topic "` + tenant + `.t[01]" asks for 6, 12 in all`),
			},
			untouched(t, []string{tenant + ".t0", tenant + ".t1", tenant + ".t2"}, []string{tenant}, []string{"tenant/" + tenant}),
			{
				// Within the budget, the same shape plans and applies.
				Config: config("{ max_topics = 2, max_partitions = 12 }", 6, 6),
				Check:  checkTopicOnCluster(t, tenant+".t1", 6, nil),
			},
		},
	})
}

// TestAccLedger_destroyedTopicFreesBudget replaces a tenant's only topic
// with another while its budget allows one: the plan counts the destroyed
// topic out, whichever Terraform plans first, and the apply waits for the
// delete rather than refusing the create.
func TestAccLedger_destroyedTopicFreesBudget(t *testing.T) {
	tenant := acctest.Name("t")
	config := func(topic string) string {
		return plainTenant(tenant, "budgets = { max_topics = 1 }") + fmt.Sprintf(`
resource "kafkatenant_topic" %[1]q {
  name       = "%[2]s.%[1]s"
  tenant     = kafkatenant_tenant.test.name
  partitions = 1
}
`, topic, tenant)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config("first")},
			{
				Config: config("second"),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTopicOnCluster(t, tenant+".second", 1, nil),
					checkTopicsDestroyed(t, tenant+".first"),
				),
			},
		},
	})
}

// TestAccLedger_quotasOverNewEnvelope plans a new virtual cluster with an
// envelope, new tenants in it and quotas that fit alone but not together:
// refused at plan with the arithmetic, nothing created.
func TestAccLedger_quotasOverNewEnvelope(t *testing.T) {
	vc, a, b := acctest.Name("vc"), acctest.Name("a"), acctest.Name("b")
	config := fmt.Sprintf(`
resource "kafkatenant_virtual_cluster" "vc" {
  name     = %q
  capacity = { producer_byte_rate = 50000000 }
}

resource "kafkatenant_tenant" "a" {
  name            = %q
  virtual_cluster = kafkatenant_virtual_cluster.vc.name
}

resource "kafkatenant_tenant" "b" {
  name            = %q
  virtual_cluster = kafkatenant_virtual_cluster.vc.name
}
`, vc, a, b) + quotaFor("a", "kafkatenant_tenant.a.name", 30000000) + quotaFor("b", "kafkatenant_tenant.b.name", 30000000)
	single := fmt.Sprintf(`
resource "kafkatenant_virtual_cluster" "vc" {
  name     = %q
  capacity = { producer_byte_rate = 50000000 }
}

resource "kafkatenant_tenant" "a" {
  name            = %q
  virtual_cluster = kafkatenant_virtual_cluster.vc.name
}
`, vc, a) + quotaFor("a", "kafkatenant_tenant.a.name", 60000000)
	users := []string{vc + "." + a, vc + "." + b}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:   config,
				PlanOnly: true,
				ExpectError: expectError(`Quota Exceeds Virtual Cluster Envelope.*producer_byte_rate in virtual cluster ` + vc +
					`: 60 MB/s \(60000000 B/s\) requested per broker \(already allocated 30 MB/s \+ this change 30 MB/s.*exceeds 50 MB/s`),
			},
			{
				// A new tenant with one quota over its new envelope.
				Config:      single,
				PlanOnly:    true,
				ExpectError: expectError(`Quota Exceeds Virtual Cluster Envelope.*60 MB/s \(60000000 B/s\) requested per broker.*exceeds 50 MB/s`),
			},
			untouched(t, nil, users, []string{"virtual_cluster/" + vc, "tenant/" + a, "tenant/" + b}),
		},
	})
}

// TestAccLedger_importGuards refuses to import the registry topic, an
// internal topic, and an ACL binding a tenant holds.
func TestAccLedger_importGuards(t *testing.T) {
	tenant := acctest.Name("t")
	held := fmt.Sprintf("TOPIC|PREFIXED|%s.|User:%s|*|READ|ALLOW", tenant, tenant)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: plainTenant(tenant, "")},
			{
				Config:        plainTenant(tenant, "") + "\nresource \"kafkatenant_topic\" \"registry\" {\n  name       = \"_kafkatenant\"\n  partitions = 1\n}\n",
				ResourceName:  "kafkatenant_topic.registry",
				ImportState:   true,
				ImportStateId: kafka.DefaultRegistryTopic,
				ExpectError:   expectError(`Internal Topic Cannot Be Managed.*"_kafkatenant" is kafkatenant's registry topic`),
			},
			{
				Config:        plainTenant(tenant, "") + "\nresource \"kafkatenant_topic\" \"offsets\" {\n  name       = \"__consumer_offsets\"\n  partitions = 1\n}\n",
				ResourceName:  "kafkatenant_topic.offsets",
				ImportState:   true,
				ImportStateId: "__consumer_offsets",
				ExpectError:   expectError(`Internal Topic Cannot Be Managed.*is internal to Kafka`),
			},
			{
				Config:      plainTenant(tenant, "") + "\nresource \"kafkatenant_topic\" \"registry\" {\n  name       = \"_kafkatenant\"\n  partitions = 1\n}\n",
				PlanOnly:    true,
				ExpectError: expectError(`Internal Topic Cannot Be Managed`),
			},
			{
				Config: plainTenant(tenant, "") + fmt.Sprintf(`
resource "kafkatenant_acl" "held" {
  principal     = "User:%[1]s"
  resource_type = "TOPIC"
  resource_name = "%[1]s."
  pattern_type  = "PREFIXED"
  operation     = "READ"
}
`, tenant),
				ResourceName:  "kafkatenant_acl.held",
				ImportState:   true,
				ImportStateId: held,
				ExpectError:   expectError(`ACL Binding Belongs to a Tenant.*tenant "` + tenant + `"`),
			},
			{
				Config: plainTenant(tenant, "") + fmt.Sprintf(`
resource "kafkatenant_acl" "held" {
  principal     = "User:%[1]s"
  resource_type = "TOPIC"
  resource_name = "%[1]s."
  pattern_type  = "PREFIXED"
  operation     = "READ"
}
`, tenant),
				PlanOnly:    true,
				ExpectError: expectError(`ACL Binding Belongs to a Tenant`),
			},
		},
	})
}

// TestAccLedger_earliestClaimWins registers, as another workspace would, a
// tenant whose prefix overlaps an applied tenant's, after it. The applied
// tenant's plans stay green; the later claimant's workspace is refused.
func TestAccLedger_earliestClaimWins(t *testing.T) {
	owner, intruder := acctest.Name("own"), acctest.Name("intr")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: plainTenant(owner, "")},
			{
				PreConfig: func() {
					registerElsewhere(t, tenancy.Tenant{Name: intruder, Principal: "User:" + intruder, Prefixes: prefixes(owner + ".sub.")})
				},
				Config:   plainTenant(owner, ""),
				PlanOnly: true,
			},
			{
				// The intruder's own workspace, managing the same record.
				Config: fmt.Sprintf(`
resource "kafkatenant_tenant" "intruder" {
  name                    = %[1]q
  topic_prefix            = "%[2]s.sub."
  group_prefix            = "%[2]s.sub."
  transactional_id_prefix = "%[2]s.sub."
}
`, intruder, owner),
				PlanOnly:    true,
				ExpectError: expectError(`Overlapping Prefixes.*"` + owner + `.sub." of tenant "` + intruder + `" overlaps the prefix "` + owner + `." of tenant "` + owner + `"`),
			},
			{Config: plainTenant(owner, ""), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}
