package provider_test

import (
	"fmt"
	"os"
	"os/exec"
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

// moduleTestVars are the command-line variables each published module's
// cluster test takes: unique names, so that runs do not collide.
var moduleTestVars = map[string]func() []string{
	"tenant": func() []string {
		return []string{"-var", "name=" + acctest.Name("team"), "-var", "virtual_cluster=" + acctest.Name("vc")}
	},
	"virtual-cluster": func() []string { return []string{"-var", "name=" + acctest.Name("vc")} },
	"fair-share":      func() []string { return []string{"-var", "name=" + acctest.Name("shop")} },
}

// TestModules_terraformTest runs each published module's native tests
// (examples/modules/*/tests) with the real CLI and a provider built from
// this repository: tests/unit.tftest.hcl, whose provider is mocked, on every
// run with a CLI, and tests/cluster.tftest.hcl against the suite's cluster
// when TF_ACC is set. It validates each module's examples too. Every run
// block of a file must pass: a filter that matched nothing would pass
// with none.
func TestModules_terraformTest(t *testing.T) {
	acc := os.Getenv(resource.EnvTfAcc) != ""
	if !acc && os.Getenv("TF_ACC_TERRAFORM_PATH") == "" && !onPath("terraform", "tofu") {
		t.Skipf("needs a Terraform CLI: put terraform or tofu on PATH, or set %s=1 to have one built", resource.EnvTfAcc)
	}
	root := filepath.Join("..", "..", "examples", "modules")
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		name := d.Name()
		vars, ok := moduleTestVars[name]
		if !ok {
			t.Errorf("module %s has no entry in moduleTestVars: its cluster test would not run", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			src := filepath.Join(root, name)
			ws := acctest.NewModuleWorkspace(t, src)
			// Installs the helper modules of the test files.
			ws.MustRun(t, "get")
			runTerraformTest(t, ws, src, "tests/unit.tftest.hcl")
			examples, _ := filepath.Glob(filepath.Join(src, "examples", "*"))
			if len(examples) == 0 {
				t.Errorf("module %s has no examples", name)
			}
			for _, example := range examples {
				rel, _ := filepath.Rel(src, example)
				in := ws.In(rel)
				in.MustRun(t, "get")
				in.MustRun(t, "validate")
			}
			if !acc {
				t.Log("tests/cluster.tftest.hcl needs the cluster: set " + resource.EnvTfAcc + "=1")
				return
			}
			acctest.PreCheck(t)
			runTerraformTest(t, ws, src, "tests/cluster.tftest.hcl", vars()...)
		})
	}
}

// runTerraformTest runs terraform test on one file of the module copied
// into ws from src and checks that every run block in it passed.
func runTerraformTest(t *testing.T, ws *acctest.Workspace, src, file string, args ...string) {
	t.Helper()
	runs := strings.Count(mustReadFile(t, filepath.Join(src, file)), "\nrun \"")
	out := ws.MustRun(t, append([]string{"test", "-filter=" + file}, args...)...)
	want := fmt.Sprintf("Success! %d passed, 0 failed.", runs)
	if runs == 0 || !strings.Contains(out, want) {
		t.Errorf("terraform test %s did not report %q:\n%s", file, want, out)
	}
}

// onPath reports whether any of the commands is on PATH.
func onPath(commands ...string) bool {
	for _, c := range commands {
		if _, err := exec.LookPath(c); err == nil {
			return true
		}
	}
	return false
}
