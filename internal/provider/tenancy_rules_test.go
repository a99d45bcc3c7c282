package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// registerElsewhere registers a tenant the way another workspace's provider
// would, straight into the registry, and removes it when the test ends.
func registerElsewhere(t *testing.T, tenant tenancy.Tenant) {
	t.Helper()
	c := acctest.AdminClient(t)
	if _, err := c.PutRecord(context.Background(), "tenant", tenant.Name, tenant); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := acctest.AdminClient(t).DeleteRecord(context.Background(), "tenant", tenant.Name); err != nil {
			t.Errorf("removing tenant %s from the registry: %v", tenant.Name, err)
		}
	})
}

func registerVirtualClusterElsewhere(t *testing.T, vc tenancy.VirtualCluster) {
	t.Helper()
	if _, err := acctest.AdminClient(t).PutRecord(context.Background(), "virtual_cluster", vc.Name, vc); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := acctest.AdminClient(t).DeleteRecord(context.Background(), "virtual_cluster", vc.Name); err != nil {
			t.Errorf("removing virtual cluster %s from the registry: %v", vc.Name, err)
		}
	})
}

func prefixes(p string) map[tenancy.NameKind]string {
	return map[tenancy.NameKind]string{tenancy.TopicNames: p, tenancy.GroupNames: p, tenancy.TransactionalIDNames: p}
}

func plainTenant(name, extra string) string {
	return fmt.Sprintf(`
resource "kafkatenant_tenant" "test" {
  name = %q
  %s
}
`, name, extra)
}

func TestAccTenant_namespaceRules(t *testing.T) {
	other, mine := acctest.Name("other"), acctest.Name("mine")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Another workspace owns "<other>.": a prefix of mine that
				// covers it, or that it covers, is refused at plan.
				PreConfig: func() {
					registerElsewhere(t, tenancy.Tenant{Name: other, Principal: "User:" + other, Prefixes: prefixes(other + ".")})
				},
				Config: plainTenant(mine, fmt.Sprintf("topic_prefix = %q", other+".mine.")),
				ExpectError: expectError(`Overlapping Prefixes.*topic prefix "` + other + `.mine." of tenant "` + mine +
					`" overlaps the prefix "` + other + `." of tenant "` + other + `"`),
			},
			{
				Config:      plainTenant(mine, fmt.Sprintf("principal = %q", "User:"+other)),
				ExpectError: expectError(`Principal Already Used.*"User:` + other + `" of tenant "` + mine + `" already belongs to tenant "` + other + `"`),
			},
			{
				Config:      plainTenant(mine, `group_prefix = "_private."`),
				ExpectError: expectError(`Prefix Covers Internal Topics.*group prefix "_private."`),
			},
			{
				Config:      plainTenant(mine, `transactional_id_prefix = "kt"`),
				ExpectError: expectError(`Overlapping Prefixes.*transactional id prefix "kt"`),
			},
			{
				Config:      plainTenant(mine, `principal = "Group:ops"`+"\n"+`credentials = { password_wo = "long-enough", password_wo_version = 1 }`),
				ExpectError: expectError(`Credentials Need a User Principal.*"Group:ops"`),
			},
			{
				Config:      plainTenant("bad.name", ""),
				ExpectError: expectError(`Invalid Name.*"bad.name"`),
			},
		},
	})
}

func TestAccTenant_outsideVirtualCluster(t *testing.T) {
	vc, tenant := acctest.Name("vc"), acctest.Name("t")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { registerVirtualClusterElsewhere(t, tenancy.VirtualCluster{Name: vc, Prefix: vc + "."}) },
				Config: fmt.Sprintf(`
resource "kafkatenant_tenant" "test" {
  name            = %q
  virtual_cluster = %q
  topic_prefix    = %q
}
`, tenant, vc, tenant+"."),
				ExpectError: expectError(`Prefix Outside Virtual Cluster.*topic prefix "` + tenant + `." of tenant "` + tenant + `" does not start with "` + vc + `."`),
			},
			{
				// A virtual cluster that is not registered at apply.
				Config:      plainTenant(tenant, `virtual_cluster = "nowhere"`),
				ExpectError: expectError(`Virtual Cluster Not Found.*names virtual cluster "nowhere"`),
			},
		},
	})
}

func TestAccVirtualCluster_rules(t *testing.T) {
	other, mine, shared := acctest.Name("other"), acctest.Name("mine"), acctest.Name("shared")
	vcConfig := func(name, extra string) string {
		return fmt.Sprintf(`
resource "kafkatenant_virtual_cluster" "test" {
  name = %q
  %s
}
`, name, extra)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { registerVirtualClusterElsewhere(t, tenancy.VirtualCluster{Name: other, Prefix: other + "."}) },
				Config:      vcConfig(mine, fmt.Sprintf("prefix = %q", other)),
				ExpectError: expectError(`Overlapping Prefixes.*prefix "` + other + `" of virtual cluster "` + mine + `" overlaps the prefix "` + other + `." of virtual cluster "` + other + `"`),
			},
			{
				Config:      vcConfig(mine, `prefix = "__"`),
				ExpectError: expectError(`Prefix Covers Internal Topics.*"__"`),
			},
			{
				Config:      vcConfig(mine, fmt.Sprintf("shared_topics = [%q]", shared)),
				ExpectError: expectError(`Shared Topic Not Found.*"` + shared + `" does not exist`),
			},
			{
				PreConfig:   func() { createTopicOutOfBand(t, mine+".own", 1) },
				Config:      vcConfig(mine, fmt.Sprintf("shared_topics = [%q]", mine+".own")),
				ExpectError: expectError(`Shared Topic Inside the Prefix.*"` + mine + `.own"`),
			},
			{
				Config:      vcConfig(mine, `shared_topics = ["__consumer_offsets"]`),
				ExpectError: expectError(`Internal Topic Cannot Be Shared.*"__consumer_offsets"`),
			},
		},
	})
}

func TestAccVirtualCluster_destroyRefusedWithTenants(t *testing.T) {
	vc, tenant := acctest.Name("vc"), acctest.Name("t")
	config := fmt.Sprintf(`
resource "kafkatenant_virtual_cluster" "test" {
  name = %q
}
`, vc)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				// Another workspace adds a tenant to the virtual cluster.
				PreConfig: func() {
					registerElsewhere(t, tenancy.Tenant{Name: tenant, VirtualCluster: vc, Principal: "User:" + tenant, Prefixes: prefixes(vc + "." + tenant + ".")})
				},
				Config:      config,
				Destroy:     true,
				ExpectError: expectError(`Virtual Cluster Still Has Tenants.*"` + vc + `" cannot be destroyed while tenants belong to it: "` + tenant + `"`),
			},
			{
				// Once the other workspace's tenant is gone, destroy works.
				PreConfig: func() {
					if err := acctest.AdminClient(t).DeleteRecord(context.Background(), "tenant", tenant); err != nil {
						t.Fatal(err)
					}
				},
				Config:  config,
				Destroy: true,
			},
		},
	})
}

func TestAccTenant_destroyRefusedWithTopics(t *testing.T) {
	tenant := acctest.Name("t")
	topic := tenant + ".left-behind"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkTopicsDestroyed(t, topic),
		Steps: []resource.TestStep{
			{
				Config: plainTenant(tenant, ""),
				// A topic created outside this configuration, as the tenant
				// itself may do with its CREATE grant.
				Check: func(_ *terraform.State) error { createTopicOutOfBand(t, topic, 1); return nil },
			},
			{
				Config:      plainTenant(tenant, ""),
				Destroy:     true,
				ExpectError: expectError(`Tenant Still Owns Topics.*"` + tenant + `" cannot be destroyed while topics under its prefix "` + tenant + `." exist: ` + topic + `.*force_destroy = true`),
			},
			{
				Config: plainTenant(tenant, "force_destroy = true"),
				Check:  checkTopicOnCluster(t, topic, 1, nil),
			},
		},
	})
}

func TestAccTopic_tenancy(t *testing.T) {
	owner := acctest.Name("owner")
	config := func(topics string) string {
		return plainTenant(owner, `budgets = { max_topics = 2, max_partitions = 4, max_retention_bytes = 4000 }`) + topics
	}
	topic := func(label, name string, partitions int, tenant, retention string) string {
		tenantLine := ""
		if tenant != "" {
			tenantLine = "tenant = " + tenant
		}
		cfg := "null"
		if retention != "" {
			cfg = fmt.Sprintf(`{ "retention.bytes" = %q }`, retention)
		}
		return fmt.Sprintf(`
resource "kafkatenant_topic" %q {
  name       = %q
  partitions = %d
  %s
  config     = %s
}
`, label, name, partitions, tenantLine, cfg)
	}
	ref := "kafkatenant_tenant.test.name"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkTopicsDestroyed(t, owner+".a", owner+".b"),
		Steps: []resource.TestStep{
			{Config: config(topic("a", owner+".a", 1, ref, "1000"))},
			{
				Config:      config(topic("a", owner+".a", 1, ref, "1000") + topic("b", "elsewhere.b", 1, ref, "1000")),
				ExpectError: expectError(`Topic Outside Tenant Namespace.*"elsewhere.b" belongs to tenant "` + owner + `", whose topics must start with "` + owner + `.".*Name it "` + owner + `.b"`),
			},
			{
				Config:      config(topic("a", owner+".a", 1, ref, "1000") + topic("b", owner+".b", 1, "", "1000")),
				ExpectError: expectError(`Topic Inside a Tenant Namespace.*Set tenant = "` + owner + `"`),
			},
			{
				Config:      config(topic("a", owner+".a", 1, ref, "1000") + topic("b", owner+".b", 4, ref, "1000")),
				ExpectError: expectError(`Tenant Budget Exceeded.*may have 4 partitions.*other topics have 1 and topic "` + owner + `.b" asks for 4, 5 in all`),
			},
			{
				Config:      config(topic("a", owner+".a", 1, ref, "1000") + topic("b", owner+".b", 1, ref, "")),
				ExpectError: expectError(`Tenant Budget Exceeded.*set no retention.bytes.*` + owner + `.b`),
			},
			{
				Config:      config(topic("a", owner+".a", 1, ref, "1000") + topic("b", owner+".b", 1, ref, "3001")),
				ExpectError: expectError(`Tenant Budget Exceeded.*may keep 4000 bytes.*other topics keep 1000 and topic "` + owner + `.b" asks for 3001`),
			},
			{Config: config(topic("a", owner+".a", 1, ref, "1000") + topic("b", owner+".b", 1, ref, "1000"))},
			{
				// A third topic, made outside Terraform by the tenant itself,
				// counts against max_topics when the plan grows the budgeted
				// set: the out-of-band topic makes three.
				PreConfig:   func() { createTopicOutOfBand(t, owner+".c", 1) },
				Config:      config(topic("a", owner+".a", 1, ref, "1000") + topic("b", owner+".b", 1, ref, "1000") + topic("d", owner+".d", 1, ref, "1")),
				ExpectError: expectError(`Tenant Budget Exceeded.*may have 2 topics \(budgets.max_topics\) and already has 3`),
			},
			{
				PreConfig: func() {
					if err := acctest.AdminClient(t).DeleteTopic(context.Background(), owner+".c"); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(topic("a", owner+".a", 1, ref, "1000") + topic("b", owner+".b", 1, ref, "1000")),
			},
		},
	})
}
