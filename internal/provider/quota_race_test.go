package provider_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// TestAccQuota_concurrentApplies races two workspaces, each in its own
// Terraform process, that apply quotas which fit the declared capacity
// alone but not together (45 + 45 MB/s against 80 MB/s). The broker holds
// the first write until the second arrives, so both get past their checks
// and the verification after writing must catch it. Whatever the
// interleaving, the cluster must never be left overcommitted: at most one
// quota survives, and every refused apply says why. It runs on a cluster of
// its own, whose quotas are only its own, several rounds in a row.
func TestAccQuota_concurrentApplies(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	t.Parallel()
	cluster := acctest.OwnCluster(t)
	admin := acctest.ClientOf(t, cluster)
	const rounds = 5
	outcomes := map[string]int{}
	rolledBack := 0
	for round := 0; round < rounds; round++ {
		users := []string{acctest.Name("race-a"), acctest.Name("race-b")}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		// Left alone, the second process usually sees the first quota
		// before writing and is refused there. Holding the first write at
		// the broker until the second arrives makes both pass their checks
		// and write, so the verification after writing, and its rollback,
		// are what keep the cluster within capacity.
		holdFirstWriteForSecond(t, cluster.Fake, users)
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
			wss[i].Setenv(cluster.Env())
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
			v, err := admin.DescribeQuota(ctx, []kafka.QuotaComponent{{Type: "user", Name: user}})
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
			if strings.Contains(outs[i], "rolled back to its previous value") {
				rolledBack++
			}
		}
		if succeeded != written {
			t.Fatalf("round %d: %d applies succeeded but %d quotas are on the cluster", round, succeeded, written)
		}
		outcomes[fmt.Sprintf("%d written", written)]++
		for _, ws := range wss {
			// Terraform re-plans the refused quota before destroying; no
			// rule runs in a destroy, so that does not block it.
			if out, err := ws.Run(ctx, "destroy", "-auto-approve", "-input=false"); err != nil {
				t.Fatalf("round %d: destroy: %v\n%s", round, err, out)
			}
		}
		cancel()
	}
	t.Logf("outcomes over %d rounds: %v; %d applies rolled their own write back", rounds, outcomes, rolledBack)
	if rolledBack == 0 {
		t.Error("no apply had to roll its write back, so the forced interleaving did not happen and the rollback path went untested")
	}
}

// holdFirstWriteForSecond makes the broker hold the first quota write for
// users until the second arrives (or ten seconds pass), then lets both
// through. Validate-only requests, sent at plan time, pass untouched.
func holdFirstWriteForSecond(t *testing.T, fake *kfake.Cluster, users []string) {
	t.Helper()
	var (
		mu       sync.Mutex
		writes   int
		released = make(chan struct{})
	)
	ours := func(req *kmsg.AlterClientQuotasRequest) bool {
		for _, e := range req.Entries {
			for _, c := range e.Entity {
				if c.Name != nil && slices.Contains(users, *c.Name) {
					return true
				}
			}
		}
		return false
	}
	fake.ControlKey(int16(kmsg.AlterClientQuotas), func(r kmsg.Request) (kmsg.Response, error, bool) {
		req := r.(*kmsg.AlterClientQuotasRequest)
		if req.ValidateOnly || !ours(req) {
			fake.KeepControl()
			return nil, nil, false
		}
		mu.Lock()
		writes++
		n := writes
		mu.Unlock()
		switch n {
		case 1:
			fake.KeepControl()
			fake.SleepControl(func() {
				select {
				case <-released:
				case <-time.After(10 * time.Second):
				}
			})
		case 2:
			close(released)
		}
		// From the second write on, the control function is done.
		if n >= 2 {
			fake.DropControl()
		}
		return nil, nil, false
	})
}
