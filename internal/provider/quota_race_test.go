package provider_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// TestAccQuota_concurrentApplies races two workspaces, each in its own
// Terraform process, that apply quotas which fit the declared capacity
// alone but not together (45 + 45 MB/s against 80 MB/s). Whatever the
// interleaving, the cluster must never be left overcommitted: at most one
// quota survives, and every refused apply says why. It runs alone, like
// the other capacity tests, several rounds in a row.
func TestAccQuota_concurrentApplies(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	const rounds = 5
	outcomes := map[string]int{}
	for round := 0; round < rounds; round++ {
		users := []string{acctest.Name("race-a"), acctest.Name("race-b")}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		var (
			wg   sync.WaitGroup
			outs = make([]string, 2)
			errs = make([]error, 2)
			wss  = make([]*acctest.Workspace, 2)
		)
		for i, user := range users {
			wss[i] = acctest.NewWorkspace(t, `
terraform {
  required_providers {
    kafkatenant = { source = "kafkatenant/kafkatenant" }
  }
}
`+capacityProvider+fmt.Sprintf(`
resource "kafkatenant_quota" "q" {
  user               = %q
  producer_byte_rate = 45000000
}
`, user))
		}
		for i := range wss {
			wg.Add(1)
			go func() {
				defer wg.Done()
				outs[i], errs[i] = wss[i].Run(ctx, "apply", "-auto-approve", "-input=false")
			}()
		}
		wg.Wait()

		total, written := 0.0, 0
		for _, user := range users {
			v, err := acctest.AdminClient(t).DescribeQuota(ctx, []kafka.QuotaComponent{{Type: "user", Name: user}})
			if err != nil {
				t.Fatal(err)
			}
			if len(v) > 0 {
				written++
			}
			total += v["producer_byte_rate"]
		}
		if total > 80000000 {
			t.Fatalf("round %d: the cluster is left overcommitted: %.0f B/s of producer quota against 80 MB/s", round, total)
		}
		succeeded := 0
		for i, err := range errs {
			if err == nil {
				succeeded++
				continue
			}
			if !strings.Contains(outs[i], "Quota Exceeds Declared Capacity") {
				t.Fatalf("round %d: an apply failed for another reason:\n%s", round, outs[i])
			}
		}
		if succeeded != written {
			t.Fatalf("round %d: %d applies succeeded but %d quotas are on the cluster", round, succeeded, written)
		}
		outcomes[fmt.Sprintf("%d written", written)]++
		for _, ws := range wss {
			// Without -refresh=false, Terraform re-plans the refused quota
			// before destroying (its failed create left an empty resource
			// entry in state) and the capacity check refuses it again.
			if out, err := ws.Run(ctx, "destroy", "-auto-approve", "-input=false", "-refresh=false"); err != nil {
				t.Fatalf("round %d: destroy: %v\n%s", round, err, out)
			}
		}
		cancel()
	}
	t.Logf("outcomes over %d rounds: %v", rounds, outcomes)
}
