package provider_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// readerACLs are the grants the platform gives the principal of a
// workspace that only reads, as the provider documentation lists them.
func readerACLs(principal, registryTopic string) string {
	grants := []struct{ resourceType, name, operation string }{
		{"CLUSTER", "kafka-cluster", "DESCRIBE"},
		{"CLUSTER", "kafka-cluster", "DESCRIBE_CONFIGS"},
		{"TOPIC", "*", "DESCRIBE"},
		{"TOPIC", "*", "DESCRIBE_CONFIGS"},
		{"TOPIC", registryTopic, "READ"},
	}
	var b strings.Builder
	for i, g := range grants {
		fmt.Fprintf(&b, `
resource "kafkatenant_acl" "reader_%d" {
  principal     = %q
  resource_type = %q
  resource_name = %q
  operation     = %q
}
`, i, principal, g.resourceType, g.name, g.operation)
	}
	return b.String()
}

// TestAccDataSources_twoWorkspaces is the composition the data sources are
// for. The platform's workspace creates a virtual cluster, a tenant with
// budgets, topics and a quota, and grants a read-only principal what the
// documentation says a reading workspace needs. A team's workspace, with
// its own state and provider process, logging in as that principal, reads
// them through every data source and uses them in a resource and outputs.
// It owns nothing: the platform changes and destroys what it created
// without the team's workspace, which sees the change on its next plan and
// a clear error once the tenant is gone.
func TestAccDataSources_twoWorkspaces(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	cfg := acctest.ConnectionConfig()
	if cfg.SASL == nil || !kafka.UsesPassword(cfg.SASL.Mechanism) || strings.HasPrefix(cfg.SASL.Mechanism, "PLAIN") {
		t.Skip("logs in as a second SCRAM user, which needs the cluster to use SCRAM")
	}
	t.Parallel()
	ctx := context.Background()
	vc, team, reader := acctest.Name("vc"), acctest.Name("team"), acctest.Name("reader")
	prefix := vc + "." + team + "."
	const readerPassword = "reader-password-1"
	admin := acctest.AdminClient(t)
	if err := admin.UpsertSCRAM(ctx, reader, cfg.SASL.Mechanism, kafka.MinSCRAMIterations, readerPassword); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := acctest.AdminClient(t).DeleteSCRAM(context.Background(), reader, cfg.SASL.Mechanism); err != nil {
			t.Errorf("deleting the reader's credential: %v", err)
		}
	})

	// topics is the body of a map of local names to partitions; empty,
	// the platform keeps only the reader's grants.
	platformConfig := func(topics string) string {
		if topics == "" {
			return requiredProviders + readerACLs("User:"+reader, kafka.DefaultRegistryTopic)
		}
		return requiredProviders + fmt.Sprintf(`
resource "kafkatenant_virtual_cluster" "vc" {
  name              = %q
  bootstrap_servers = ["kafka.example.com:9092"]
  capacity          = { producer_byte_rate = 50000000 }
}

resource "kafkatenant_tenant" "team" {
  name            = %q
  virtual_cluster = kafkatenant_virtual_cluster.vc.name
  budgets         = { max_topics = 10, max_partitions = 40 }
  credentials = {
    password_wo         = "team-password-1"
    password_wo_version = 1
  }
}

resource "kafkatenant_topic" "team" {
  for_each   = { %s }
  name       = "${kafkatenant_tenant.team.topic_prefix}${each.key}"
  tenant     = kafkatenant_tenant.team.name
  partitions = each.value
  config     = { "retention.ms" = "86400000" }
}

resource "kafkatenant_quota" "team" {
  tenant             = kafkatenant_tenant.team.name
  producer_byte_rate = 20000000
}
`, vc, team, topics) + readerACLs("User:"+reader, kafka.DefaultRegistryTopic)
	}
	platform := acctest.NewWorkspace(t, platformConfig("orders = 6, audit = 1"))
	platform.MustRun(t, "apply", "-auto-approve", "-input=false")
	t.Cleanup(func() { platform.MustRun(t, "destroy", "-auto-approve", "-input=false") })

	teamWS := acctest.NewWorkspace(t, requiredProviders+fmt.Sprintf(`
provider "kafkatenant" {}

data "kafkatenant_virtual_cluster" "platform" {
  name = %q
}

data "kafkatenant_tenant" "me" {
  name = %q
}

data "kafkatenant_topics" "mine" {
  tenant = data.kafkatenant_tenant.me.name
}

data "kafkatenant_topic" "orders" {
  name = provider::kafkatenant::topic_name(data.kafkatenant_tenant.me.topic_prefix, "orders")
}

# The team's own infrastructure, configured from what it read.
resource "terraform_data" "consumer" {
  input = {
    bootstrap = data.kafkatenant_tenant.me.client_properties["bootstrap.servers"]
    topic     = data.kafkatenant_topic.orders.name
    instances = data.kafkatenant_topic.orders.partitions
  }
}

output "connection" {
  value = data.kafkatenant_tenant.me.client_properties
}

output "topics" {
  value = { for t in data.kafkatenant_topics.mine.topics : t.name => t.partitions }
}

output "topics_left" {
  value = data.kafkatenant_tenant.me.budgets.max_topics - data.kafkatenant_tenant.me.usage.topics
}

output "envelope" {
  value = {
    tenants   = data.kafkatenant_virtual_cluster.platform.tenants
    allocated = data.kafkatenant_virtual_cluster.platform.allocated["producer_byte_rate"]
    free      = data.kafkatenant_virtual_cluster.platform.free["producer_byte_rate"]
  }
}

output "orders_retention_ms" {
  value = data.kafkatenant_topic.orders.config["retention.ms"]
}

output "consumer" {
  value = terraform_data.consumer.output
}
`, vc, team))
	teamWS.Setenv(map[string]string{"KAFKATENANT_SASL_USERNAME": reader, "KAFKATENANT_SASL_PASSWORD": readerPassword})
	out := teamWS.MustRun(t, "apply", "-auto-approve", "-input=false")
	if w := ourWarnings(out); len(w) > 0 {
		t.Errorf("the team's apply warned %q:\n%s", w, out)
	}
	outputs := readOutputs(t, teamWS)
	want := map[string]string{
		"connection": fmt.Sprintf(`{"bootstrap.servers":"kafka.example.com:9092","sasl.mechanism":%q,"sasl.username":%q,"security.protocol":"SASL_PLAINTEXT"}`,
			cfg.SASL.Mechanism, vc+"."+team),
		"topics":              fmt.Sprintf(`{%q:1,%q:6}`, prefix+"audit", prefix+"orders"),
		"topics_left":         `8`,
		"envelope":            fmt.Sprintf(`{"allocated":20000000,"free":30000000,"tenants":[%q]}`, team),
		"orders_retention_ms": `"86400000"`,
		"consumer":            fmt.Sprintf(`{"bootstrap":"kafka.example.com:9092","instances":6,"topic":%q}`, prefix+"orders"),
	}
	for name, value := range want {
		if got := string(outputs[name]); got != value {
			t.Errorf("team output %s = %s, want %s", name, got, value)
		}
	}
	if state := teamWS.MustRun(t, "state", "list"); !onlyDataSources(state) {
		t.Errorf("the team's workspace owns kafkatenant resources:\n%s", state)
	}

	// The platform grows the tenant; the team's next plan sees it, in a
	// process of its own.
	platform.Write(t, platformConfig("orders = 8, audit = 1, payments = 2"))
	platform.MustRun(t, "apply", "-auto-approve", "-input=false")
	out = teamWS.MustRun(t, "apply", "-auto-approve", "-input=false")
	outputs = readOutputs(t, teamWS)
	if got, want := string(outputs["topics"]), fmt.Sprintf(`{%q:1,%q:8,%q:2}`, prefix+"audit", prefix+"orders", prefix+"payments"); got != want {
		t.Errorf("after the platform's change, team output topics = %s, want %s\n%s", got, want, out)
	}
	if got := string(outputs["topics_left"]); got != "7" {
		t.Errorf("after the platform's change, team output topics_left = %s, want 7", got)
	}

	// The platform destroys the tenant and its virtual cluster: the team's
	// state is no obstacle, and its next plan says what is missing.
	platform.Write(t, platformConfig(""))
	platform.MustRun(t, "apply", "-auto-approve", "-input=false")
	out, err := teamWS.Run(ctx, "plan", "-input=false")
	if err == nil || !expectError(`Error: Tenant Not Found.*No tenant named "`+team+`" is in the registry topic`).MatchString(out) {
		t.Errorf("the team's plan after the platform destroyed the tenant does not fail naming it (%v):\n%s", err, out)
	}
}

// readOutputs returns a workspace's outputs as JSON values.
func readOutputs(t *testing.T, ws *acctest.Workspace) map[string]json.RawMessage {
	t.Helper()
	var raw map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal([]byte(ws.MustRun(t, "output", "-json")), &raw); err != nil {
		t.Fatal(err)
	}
	out := map[string]json.RawMessage{}
	for name, o := range raw {
		var compact bytes.Buffer
		if err := json.Compact(&compact, o.Value); err != nil {
			t.Fatal(err)
		}
		out[name] = compact.Bytes()
	}
	return out
}

// onlyDataSources reports whether every kafkatenant address in a state
// listing is a data source.
func onlyDataSources(list string) bool {
	for _, line := range strings.Fields(list) {
		if strings.Contains(line, "kafkatenant_") && !strings.HasPrefix(line, "data.") {
			return false
		}
	}
	return true
}
