package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// TestAccModule_tenant instantiates the published tenant module the way a
// platform team would, once per team, and checks what it built on the
// cluster, including that the team can log in. It runs the real CLI in a
// workspace of its own, because the harness does not install modules.
func TestAccModule_tenant(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	t.Parallel()
	source, err := filepath.Abs(filepath.Join("..", "..", "examples", "modules", "tenant"))
	if err != nil {
		t.Fatal(err)
	}
	vc, team := acctest.Name("vc"), acctest.Name("team")
	user, prefix := vc+"."+team, vc+"."+team+"."
	config := func(partitions int) string {
		return fmt.Sprintf(`
terraform {
  required_providers {
    kafkatenant = { source = "kafkatenant/kafkatenant" }
  }
}

resource "kafkatenant_virtual_cluster" "vc" {
  name = %q
}

module "team" {
  source          = %q
  name            = %q
  virtual_cluster = kafkatenant_virtual_cluster.vc.name
  password        = "module-password-1"

  topics = {
    orders = { partitions = %d }
    audit  = { partitions = 1, config = { "retention.ms" = "3600000" } }
  }
  quota   = { producer_byte_rate = 1000000, consumer_byte_rate = 2000000 }
  budgets = { max_topics = 5 }
}

output "topics" {
  value = module.team.topics
}
`, vc, source, team, partitions)
	}
	ws := acctest.NewWorkspace(t, config(2))
	// With dev_overrides, init would look the provider up in the
	// registry; get installs the module alone.
	ws.MustRun(t, "get")
	ws.MustRun(t, "apply", "-auto-approve", "-input=false")
	checkNow(t,
		checkTopicOnCluster(t, prefix+"orders", 2, nil),
		checkTopicOnCluster(t, prefix+"audit", 1, map[string]string{"retention.ms": "3600000"}),
		checkQuota(t, []kafka.QuotaComponent{{Type: "user", Name: user}}, map[string]float64{"producer_byte_rate": 1000000, "consumer_byte_rate": 2000000}),
		checkLogin(user, "module-password-1", true),
	)
	if out := ws.MustRun(t, "output", "-json", "topics"); !strings.Contains(out, `"orders":"`+prefix+`orders"`) {
		t.Errorf("module output topics = %s", out)
	}
	// A second team's plan in the same workspace sees no change: the
	// module leaves no drift behind.
	if out, err := ws.Run(t.Context(), "plan", "-detailed-exitcode", "-input=false"); err != nil {
		t.Errorf("plan after apply is not empty (%v):\n%s", err, out)
	}
	ws.Write(t, config(4))
	ws.MustRun(t, "apply", "-auto-approve", "-input=false")
	if err := checkTopicOnCluster(t, prefix+"orders", 4, nil)(&terraform.State{}); err != nil {
		t.Error(err)
	}
	ws.MustRun(t, "destroy", "-auto-approve", "-input=false")
	if err := checkTopicsDestroyed(t, prefix+"orders", prefix+"audit")(&terraform.State{}); err != nil {
		t.Error(err)
	}
}
