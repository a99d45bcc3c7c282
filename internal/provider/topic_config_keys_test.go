package provider_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

func topicWithConfig(name, config string) string {
	return fmt.Sprintf(`
resource "kafkatenant_topic" "t" {
  name       = %q
  partitions = 1
  config = {
%s
  }
}
`, name, config)
}

// Connected, the brokers are asked which keys they know: a vendor key
// they do not list (kfake and Apache Kafka list Apache keys only) is a
// warning, not a plan error, since the provider cannot know every vendor's
// keys. A broker that validates configs (Apache Kafka) then refuses the
// topic at apply, naming the key; one that does not (kfake) creates it
// with the key. That a key the brokers list passes is shown by the unit
// tests of kafka.Client.TopicConfigKeys and topicconfig.CheckKeys.
func TestAccTopic_vendorConfigConnected(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	t.Parallel()
	name := acctest.Name("vendor")
	// The brokers are asked through a topic that exists before the plan;
	// a cluster without any topic is judged offline.
	ctx := context.Background()
	admin := acctest.AdminClient(t)
	existing := acctest.Name("existing")
	if _, err := admin.CreateTopic(ctx, kafka.TopicSpec{Name: existing, Partitions: 1, ReplicationFactor: 1}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.DeleteTopic(context.Background(), existing) })
	ws := acctest.NewWorkspace(t, requiredProviders+topicWithConfig(name, `
    "confluent.placement.constraints" = "{\"version\":1,\"replicas\":[{\"count\":1}]}"
    "retention.ms"                    = "3600000"
`))
	if validatesTopicConfig.on(t) {
		out, err := ws.Run(ctx, "apply", "-auto-approve", "-input=false")
		t.Cleanup(func() { ws.MustRun(t, "destroy", "-auto-approve", "-input=false") })
		if err == nil {
			t.Fatalf("the apply of a topic with a key the brokers do not list succeeded on a broker that validates configs:\n%s", out)
		}
		if !expectError(`Warning: Vendor Topic Config Not Checked[\s\S]*Error: [\s\S]*confluent\.placement\.constraints`).MatchString(out) {
			t.Errorf("the plan does not warn about the vendor key, or the apply's error does not name it:\n%s", out)
		}
		if _, err := admin.DescribeTopic(ctx, name); !errors.Is(err, kafka.ErrNotFound) {
			t.Errorf("the refused topic %s is on the cluster (%v)", name, err)
		}
		return
	}
	out := ws.MustRun(t, "apply", "-auto-approve", "-input=false")
	t.Cleanup(func() { ws.MustRun(t, "destroy", "-auto-approve", "-input=false") })
	if !expectError(`Warning: Vendor Topic Config Not Checked[\s\S]*"confluent.placement.constraints" is in the namespace of\s+Confluent Platform[\s\S]*brokers do not list it`).MatchString(out) {
		t.Errorf("the apply does not warn about the vendor key the brokers do not list:\n%s", out)
	}
	if n := strings.Count(out, "Warning: Vendor Topic Config"); n != 1 {
		t.Errorf("the apply warns %d times about vendor keys, want once:\n%s", n, out)
	}
	d, err := admin.DescribeTopic(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if d.DynamicConfigs["confluent.placement.constraints"] == "" {
		t.Errorf("the vendor key did not reach the topic: %v", d.DynamicConfigs)
	}
	// No change, no cluster question, no warning.
	if out := ws.MustRun(t, "plan", "-input=false", "-detailed-exitcode"); strings.Contains(out, "Warning: Vendor") {
		t.Errorf("a plan without changes warns:\n%s", out)
	}
}

// Without a broker to ask (connection settings known only at apply),
// vendor keys are warnings and any other key outside Apache Kafka's
// catalogue an error.
func TestAccTopic_vendorConfigOffline(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	offline := requiredProviders + `
resource "terraform_data" "brokers" {
  input = "127.0.0.1:9"
}

provider "kafkatenant" {
  bootstrap_servers = [terraform_data.brokers.output]
}
`
	name := acctest.Name("vendor")
	ctx := context.Background()
	out, err := acctest.NewWorkspace(t, offline+topicWithConfig(name, `
    "redpanda.remote.read" = "true"
`)).Run(ctx, "plan", "-input=false")
	if err != nil {
		t.Fatalf("plan with a vendor key offline: %v\n%s", err, out)
	}
	if !expectError(`Warning: Vendor Topic Config Not Checked[\s\S]*"redpanda.remote.read" is in the namespace of Redpanda[\s\S]*No broker could be asked`).MatchString(out) {
		t.Errorf("the offline plan does not warn about the vendor key:\n%s", out)
	}

	out, err = acctest.NewWorkspace(t, offline+topicWithConfig(name, `
    "write.caching" = "true"
`)).Run(ctx, "plan", "-input=false")
	if err == nil || !expectError(`Error: Unknown Topic Config[\s\S]*"write.caching" is not among Apache Kafka's topic configs`).MatchString(out) {
		t.Errorf("an unknown key offline planned (%v):\n%s", err, out)
	}
}

// A near miss of an Apache key is an error with the right key, whatever
// the brokers say, and the cluster is not touched.
func TestAccTopic_configNearMiss(t *testing.T) {
	name := acctest.Name("nearmiss")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      topicWithConfig(name, `"retention.msec" = "1000"`),
			PlanOnly:    true,
			ExpectError: expectError(`Unknown Topic Config[\s\S]*"retention.msec" is not a Kafka topic config; did you mean\s+"retention.ms"`),
		}},
		CheckDestroy: checkTopicsDestroyed(t, name),
	})
}
