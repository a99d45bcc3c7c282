package provider_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// These tests follow the adoption guide (templates/guides/adopting.md.tmpl)
// step by step with the real CLI: objects made outside Terraform, import
// blocks, terraform plan -generate-config-out, exactly the edits the guide
// lists, apply, and a plan that must be empty.

// generatedEdit is one edit the guide asks for in generated configuration:
// every line `attr = from` becomes `attr = to`, in the block of the
// resource address block, or in every block when block is empty.
type generatedEdit struct{ block, attr, from, to string }

// generateConfig runs terraform plan -generate-config-out in the workspace
// and applies the edits to the generated file, failing when an edit finds
// no line to change: the guide would then be out of date.
func generateConfig(t *testing.T, ws *acctest.Workspace, edits []generatedEdit) string {
	t.Helper()
	out, _ := ws.Run(context.Background(), "plan", "-input=false", "-generate-config-out=generated.tf")
	file := filepath.Join(ws.Dir, "generated.tf")
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("terraform plan -generate-config-out wrote nothing: %v\n%s", err, out)
	}
	generated := string(raw)
	for _, e := range edits {
		line := regexp.MustCompile(`(?m)^(\s*` + regexp.QuoteMeta(e.attr) + `\s*=\s*)` + regexp.QuoteMeta(e.from) + `\s*$`)
		scope := regexp.MustCompile(`(?s)resource "[^"]+" "[^"]+" \{\n.*?\n\}`)
		if e.block != "" {
			kind, name, _ := strings.Cut(e.block, ".")
			scope = regexp.MustCompile(`(?s)resource "` + regexp.QuoteMeta(kind) + `" "` + regexp.QuoteMeta(name) + `" \{\n.*?\n\}`)
		}
		edited := false
		generated = scope.ReplaceAllStringFunc(generated, func(block string) string {
			edited = edited || line.MatchString(block)
			return line.ReplaceAllString(block, "${1}"+strings.ReplaceAll(e.to, "$", "$$"))
		})
		if !edited {
			t.Fatalf("the generated configuration has no line %s = %s to edit in %q:\n%s", e.attr, e.from, e.block, generated)
		}
	}
	if err := os.WriteFile(file, []byte(generated), 0o600); err != nil {
		t.Fatal(err)
	}
	return generated
}

// adoptAndConverge applies the edited configuration, checks that the
// first plan does what the guide says (want, Terraform's plan summary),
// and that the plan after the apply is empty and quiet.
func adoptAndConverge(t *testing.T, ws *acctest.Workspace, want string) {
	t.Helper()
	if out := ws.MustRun(t, "plan", "-input=false"); !strings.Contains(out, want) {
		t.Errorf("the first plan of the edited configuration is not %q:\n%s", want, out)
	}
	if out := ws.MustRun(t, "apply", "-auto-approve", "-input=false"); len(ourWarnings(out)) > 0 {
		t.Errorf("the adopting apply warned %q:\n%s", ourWarnings(out), out)
	}
	out, err := ws.Run(context.Background(), "plan", "-input=false", "-detailed-exitcode")
	if err != nil || !strings.Contains(out, "No changes.") || len(ourWarnings(out)) > 0 {
		t.Errorf("the plan after adopting is not empty and quiet (%v):\n%s", err, out)
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestAccAdopt_registeredObjects adopts a virtual cluster and tenant that
// the registry holds (their workspace's state was lost, or they move to a
// new workspace) with their topics, quota and an extra ACL, all five
// resource types through generated configuration.
func TestAccAdopt_registeredObjects(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	t.Parallel()
	ctx := context.Background()
	vc, team, shared, connect := acctest.Name("vc"), acctest.Name("team"), acctest.Name("shared"), acctest.Name("connect")
	prefix, user := vc+"."+team+".", vc+"."+team
	admin := acctest.AdminClient(t)
	_, err := admin.CreateTopic(ctx, kafka.TopicSpec{Name: shared, Partitions: 1, ReplicationFactor: -1})
	mustDo(t, err)
	_, err = admin.CreateTopic(ctx, kafka.TopicSpec{Name: prefix + "orders", Partitions: 3, ReplicationFactor: -1, Configs: map[string]string{"retention.ms": "3600000"}})
	mustDo(t, err)
	registerVirtualClusterElsewhere(t, tenancy.VirtualCluster{Name: vc, Prefix: vc + ".", SharedTopics: []string{shared}, Envelope: &tenancy.Envelope{ProducerByteRate: 50000000, Partitions: 100}})
	registerElsewhere(t, tenancy.Tenant{Name: team, VirtualCluster: vc, Principal: "User:" + user, Prefixes: prefixes(prefix), Budgets: tenancy.Budgets{MaxTopics: 10}})
	mustDo(t, admin.UpsertSCRAM(ctx, user, "SCRAM-SHA-512", kafka.MinSCRAMIterations, "old-password-1"))
	mustDo(t, admin.AlterQuota(ctx, []kafka.QuotaComponent{{Type: "user", Name: user}}, map[string]float64{"producer_byte_rate": 1000000}, nil, false))
	connectACL := kafka.ACL{Principal: "User:" + connect, Host: "*", ResourceType: "TOPIC", ResourceName: prefix, PatternType: "PREFIXED", Operation: "READ", Permission: "ALLOW"}
	mustDo(t, admin.CreateACLs(ctx, []kafka.ACL{connectACL}))

	ws := acctest.NewWorkspace(t, requiredProviders+fmt.Sprintf(`
variable "team_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

import {
  to = kafkatenant_virtual_cluster.vc
  id = %q
}

import {
  to = kafkatenant_tenant.team
  id = %q
}

import {
  to = kafkatenant_topic.orders
  id = %q
}

import {
  to = kafkatenant_topic.shared
  id = %q
}

import {
  to = kafkatenant_quota.team
  id = %q
}

import {
  to = kafkatenant_acl.connect
  id = %q
}
`, vc, team, prefix+"orders", shared, "user="+user, "TOPIC|PREFIXED|"+prefix+"|User:"+connect+"|*|READ|ALLOW"))
	ws.Setenv(map[string]string{"TF_VAR_team_password": "new-password-1"})
	generateConfig(t, ws, []generatedEdit{
		// The password cannot be read back.
		{"kafkatenant_tenant.team", "password_wo", "null # sensitive", "var.team_password"},
		{"kafkatenant_tenant.team", "password_wo_version", "null", "1"},
		// References instead of names, so that Terraform orders creation
		// and destruction.
		{"", "virtual_cluster", fmt.Sprintf("%q", vc), "kafkatenant_virtual_cluster.vc.name"},
		{"", "tenant", fmt.Sprintf("%q", team), "kafkatenant_tenant.team.name"},
		{"", "shared_topics", fmt.Sprintf("[%q]", shared), "[kafkatenant_topic.shared.name]"},
	})
	adoptAndConverge(t, ws, "Plan: 6 to import, 0 to add, 1 to change, 0 to destroy.")
	checkNow(t,
		checkLogin(user, "new-password-1", true),
		checkTenantACLCount(t, "User:"+user, 14),
		checkQuota(t, []kafka.QuotaComponent{{Type: "user", Name: user}}, map[string]float64{"producer_byte_rate": 1000000}),
		checkTopicOnCluster(t, prefix+"orders", 3, map[string]string{"retention.ms": "3600000"}),
		checkACL(t, connectACL, true),
	)
	ws.MustRun(t, "destroy", "-auto-approve", "-input=false")
	checkNow(t,
		checkTenantGone(t, "User:"+user),
		checkTopicsDestroyed(t, prefix+"orders", shared),
		checkQuota(t, []kafka.QuotaComponent{{Type: "user", Name: user}}, nil),
		checkACL(t, connectACL, false),
	)
}

// TestAccAdopt_unregisteredCluster adopts what a cluster held before
// kafkatenant: an application's principal with its password, its ACLs,
// topics and quota, and a connector's ACL. Its virtual cluster and tenant
// are declared, not imported (the registry has no record of them), with the
// principal and prefix the application already uses and no credentials
// block, so its password stays; topics, quota and the connector's ACL are
// imported through generated configuration.
func TestAccAdopt_unregisteredCluster(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	t.Parallel()
	ctx := context.Background()
	legacy, app, connect := acctest.Name("legacy"), acctest.Name("app"), acctest.Name("connect")
	prefix := legacy + ".payments."
	admin := acctest.AdminClient(t)
	for _, name := range []string{"orders", "refunds"} {
		_, err := admin.CreateTopic(ctx, kafka.TopicSpec{Name: prefix + name, Partitions: 2, ReplicationFactor: -1})
		mustDo(t, err)
	}
	mustDo(t, admin.UpsertSCRAM(ctx, app, "SCRAM-SHA-512", kafka.MinSCRAMIterations, "app-password-1"))
	mustDo(t, admin.AlterQuota(ctx, []kafka.QuotaComponent{{Type: "user", Name: app}}, map[string]float64{"consumer_byte_rate": 2000000}, nil, false))
	// Two of the bindings the tenant's template holds, granted by hand
	// before, and a connector's binding the template does not cover.
	var held []kafka.ACL
	for _, op := range []string{"READ", "WRITE"} {
		held = append(held, kafka.ACL{Principal: "User:" + app, Host: "*", ResourceType: "TOPIC", ResourceName: prefix, PatternType: "PREFIXED", Operation: op, Permission: "ALLOW"})
	}
	connectACL := kafka.ACL{Principal: "User:" + connect, Host: "*", ResourceType: "TOPIC", ResourceName: prefix + "orders", PatternType: "LITERAL", Operation: "READ", Permission: "ALLOW"}
	mustDo(t, admin.CreateACLs(ctx, append(held, connectACL)))

	// They cannot be imported: the registry holds no record of them.
	ws := acctest.NewWorkspace(t, requiredProviders+fmt.Sprintf(`
import {
  to = kafkatenant_virtual_cluster.legacy
  id = %q
}

import {
  to = kafkatenant_tenant.payments
  id = "payments"
}
`, legacy))
	out, err := ws.Run(ctx, "plan", "-input=false", "-generate-config-out=refused.tf")
	for _, want := range []string{
		`Error: Virtual Cluster Not Registered.*holds no virtual cluster named "` + legacy + `", so there is nothing to import`,
		`Error: Tenant Not Registered.*holds no tenant named "payments".*declare it instead of importing it`,
	} {
		if err == nil || !expectError(want).MatchString(out) {
			t.Errorf("importing an unregistered object is not refused with %q (%v):\n%s", want, err, out)
		}
	}
	mustDo(t, os.RemoveAll(filepath.Join(ws.Dir, "refused.tf")))

	ws.Write(t, requiredProviders+fmt.Sprintf(`
resource "kafkatenant_virtual_cluster" "legacy" {
  name   = %[1]q
  prefix = "%[1]s."
}

resource "kafkatenant_tenant" "payments" {
  name            = "payments"
  virtual_cluster = kafkatenant_virtual_cluster.legacy.name
  principal       = "User:%[2]s"
}

import {
  to = kafkatenant_topic.orders
  id = "%[3]sorders"
}

import {
  to = kafkatenant_topic.refunds
  id = "%[3]srefunds"
}

import {
  to = kafkatenant_quota.payments
  id = "user=%[2]s"
}

import {
  to = kafkatenant_acl.connect
  id = "TOPIC|LITERAL|%[3]sorders|User:%[4]s|*|READ|ALLOW"
}
`, legacy, app, prefix, connect))
	generateConfig(t, ws, []generatedEdit{
		// The tenant is not registered when the configuration is generated,
		// so the topics do not name it yet. The quota keeps naming its user:
		// changing it to name the tenant would replace it.
		{"kafkatenant_topic.orders", "tenant", "null", "kafkatenant_tenant.payments.name"},
		{"kafkatenant_topic.refunds", "tenant", "null", "kafkatenant_tenant.payments.name"},
	})
	// The virtual cluster and tenant are created (registered); the topics
	// are imported and updated to name their tenant.
	adoptAndConverge(t, ws, "Plan: 4 to import, 2 to add, 2 to change, 0 to destroy.")
	checkNow(t,
		checkLogin(app, "app-password-1", true),
		checkTenantACLCount(t, "User:"+app, 12),
		checkQuota(t, []kafka.QuotaComponent{{Type: "user", Name: app}}, map[string]float64{"consumer_byte_rate": 2000000}),
		checkTopicOnCluster(t, prefix+"orders", 2, nil),
		checkACL(t, connectACL, true),
	)
	out = ws.MustRun(t, "state", "show", "kafkatenant_topic.orders")
	if !strings.Contains(out, `tenant             = "payments"`) {
		t.Errorf("the adopted topic does not name its tenant:\n%s", out)
	}
	ws.MustRun(t, "destroy", "-auto-approve", "-input=false")
	checkNow(t,
		checkTopicsDestroyed(t, prefix+"orders", prefix+"refunds"),
		checkTenantACLCount(t, "User:"+app, 0),
		checkACL(t, connectACL, false),
	)
	// Without a credentials block the tenant never managed the password:
	// destroying it leaves the credential to whoever created it.
	mustDo(t, checkLogin(app, "app-password-1", true)(&terraform.State{}))
	mustDo(t, admin.DeleteSCRAM(ctx, app, "SCRAM-SHA-512"))
}
