package provider_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
)

// TestAccCapacityDataSource reports every quota on the cluster, so it runs
// on a cluster of its own.
func TestAccCapacityDataSource(t *testing.T) {
	vc, tenant := acctest.Name("vc"), acctest.Name("t")
	provider, _ := ownCapacityCluster(t)
	config := provider + fmt.Sprintf(`
resource "kafkatenant_virtual_cluster" "vc" {
  name     = %q
  capacity = { producer_byte_rate = 30000000 }
}

resource "kafkatenant_tenant" "t" {
  name            = %q
  virtual_cluster = kafkatenant_virtual_cluster.vc.name
}
`, vc, tenant) + quotaFor("q", "kafkatenant_tenant.t.name", 12000000) + `
data "kafkatenant_capacity" "now" {
  depends_on = [kafkatenant_quota.q]
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "declared", "true"),
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "broker_count", "3"),
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "usable.producer_byte_rate", "80000000"),
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "allocated.producer_byte_rate", "12000000"),
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "free.producer_byte_rate", "68000000"),
				// 0.8 × (1250 − 2 × 100) MB/s for consumers.
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "usable.consumer_byte_rate", "840000000"),
				resource.TestCheckResourceAttrSet("data.kafkatenant_capacity.now", "not_checked.request_percentage"),
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "virtual_clusters."+vc+".envelope.producer_byte_rate", "30000000"),
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "virtual_clusters."+vc+".allocated.producer_byte_rate", "12000000"),
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "virtual_clusters."+vc+".free.producer_byte_rate", "18000000"),
			),
		}},
	})
}

// 0.8 × (8 + 3) × 100 is 880.0000000000001 in floating point; the output
// reads 880, a whole percent. The figures do not depend on what the cluster
// holds.
func TestAccCapacityDataSource_roundsFigures(t *testing.T) {
	config := `
provider "kafkatenant" {
  capacity = {
    io_threads      = 8
    network_threads = 3
    headroom        = 0.2
  }
}

data "kafkatenant_capacity" "now" {}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "usable.request_percentage", "880"),
				resource.TestCheckResourceAttr("data.kafkatenant_capacity.now", "allowed.request_percentage", "880"),
			),
		}},
	})
}

// TestAccCapacityDataSource_unboundedWithoutQuotas runs on a cluster of its
// own, where nothing but its tenant can log in. A principal no quota covers
// is unbounded whether or not any quota exists and whether or not capacity
// is declared; with every principal bounded, or none at all, unbounded is
// an empty list, never null.
func TestAccCapacityDataSource_unboundedWithoutQuotas(t *testing.T) {
	c := acctest.OwnCluster(t)
	tenant := acctest.Name("t")
	unbounded := func(capacity bool, withTenant, withQuota bool) string {
		config := requiredProviders
		if capacity {
			config += capacityProvider
		}
		if withTenant {
			config += fmt.Sprintf(`
resource "kafkatenant_tenant" "t" {
  name = %q
}
`, tenant)
		}
		if withQuota {
			config += `
resource "kafkatenant_quota" "q" {
  tenant                   = kafkatenant_tenant.t.name
  producer_byte_rate       = 1000000
  consumer_byte_rate       = 1000000
  request_percentage       = 50
  controller_mutation_rate = 1
}
`
		}
		deps := "[]"
		if withTenant {
			deps = "[kafkatenant_tenant.t]"
		}
		if withQuota {
			deps = "[kafkatenant_tenant.t, kafkatenant_quota.q]"
		}
		return config + fmt.Sprintf(`
data "kafkatenant_capacity" "now" {
  depends_on = %s
}

output "unbounded" {
  value = data.kafkatenant_capacity.now.unbounded
}
`, deps)
	}
	ws := acctest.NewWorkspace(t, unbounded(false, false, false))
	ws.Setenv(c.Env())
	read := func() []string {
		t.Helper()
		ws.MustRun(t, "apply", "-auto-approve", "-input=false")
		var got []string
		out := ws.MustRun(t, "output", "-json", "unbounded")
		if err := json.Unmarshal([]byte(out), &got); err != nil || got == nil {
			t.Fatalf("unbounded is %s, want a list (%v)", out, err)
		}
		return got
	}
	t.Cleanup(func() { ws.MustRun(t, "destroy", "-auto-approve", "-input=false") })

	if got := read(); len(got) != 0 {
		t.Errorf("with no principal, unbounded = %q, want []", got)
	}
	for _, capacity := range []bool{false, true} {
		ws.Write(t, unbounded(capacity, true, false))
		got := read()
		var keys []string
		for _, u := range got {
			key, reason, _ := strings.Cut(u, ": ")
			if !strings.HasPrefix(reason, "principal "+tenant+" has no "+key+" quota") {
				t.Errorf("capacity declared %v: unexpected entry %q", capacity, u)
			}
			keys = append(keys, key)
		}
		if want := []string{"consumer_byte_rate", "controller_mutation_rate", "producer_byte_rate", "request_percentage"}; !slices.Equal(keys, want) {
			t.Errorf("capacity declared %v, no quotas: unbounded = %q, want the tenant for each of %q", capacity, got, want)
		}
	}
	ws.Write(t, unbounded(true, true, true))
	if got := read(); len(got) != 0 {
		t.Errorf("with every key bounded, unbounded = %q, want []", got)
	}
}
