package provider_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/embedded"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// adminKgo returns a franz-go client with the suite's admin credentials,
// for writing raw records and reading topics back.
func adminKgo(t *testing.T, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := newAdminKgo(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// newAdminKgo returns a franz-go client with the suite's admin credentials.
func newAdminKgo(opts ...kgo.Opt) (*kgo.Client, error) {
	cfg := acctest.ConnectionConfig()
	base := []kgo.Opt{kgo.SeedBrokers(cfg.BootstrapServers...)}
	if cfg.SASL != nil {
		base = append(base, kgo.SASL(scram.Auth{User: cfg.SASL.Username, Pass: cfg.SASL.Password}.AsSha512Mechanism()))
	}
	return kgo.NewClient(append(base, opts...)...)
}

// produceRaw writes one record as it is, a nil value being a tombstone.
func produceRaw(t *testing.T, topic, key string, value []byte) {
	t.Helper()
	rec := &kgo.Record{Topic: topic, Key: []byte(key), Value: value}
	if err := adminKgo(t).ProduceSync(context.Background(), rec).FirstErr(); err != nil {
		t.Fatalf("producing %s to %s: %v", key, topic, err)
	}
}

// countRecords reads the topic from its start and returns how many records
// it holds, waiting up to a few seconds for want of them.
func countRecords(t *testing.T, topic string, want int) int {
	t.Helper()
	cl := adminKgo(t, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n := 0
	for n < want {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			break
		}
		n += fetches.NumRecords()
	}
	return n
}

func registryClient(t *testing.T, topic string) *kafka.Client {
	t.Helper()
	cfg := acctest.ConnectionConfig()
	cfg.RegistryTopic = topic
	c := kafka.NewClient(cfg)
	t.Cleanup(c.Close)
	return c
}

// ownRegistry names a registry topic for one test, which the provider
// creates on first write and no destroy removes: it is deleted when the
// test ends, after everything registered in it is destroyed.
func ownRegistry(t *testing.T) string {
	t.Helper()
	name := acctest.Name("reg")
	t.Cleanup(func() { deleteIfExists(t, name) })
	return name
}

// deleteIfExists deletes a topic that a test created outside Terraform
// unless it is gone already.
func deleteIfExists(t *testing.T, topic string) {
	t.Helper()
	if err := acctest.AdminClient(t).DeleteTopic(context.Background(), topic); err != nil && !errors.Is(err, kafka.ErrNotFound) {
		t.Errorf("deleting topic %s: %v", topic, err)
	}
}

// TestAccRegistry_lostTopic deletes the registry topic under applied
// tenants, as an operator's mistake would. The plan replaces and destroys
// nothing: the virtual cluster and tenant are registered again in place
// from state, and the tenant's topic and its records stay.
func TestAccRegistry_lostTopic(t *testing.T) {
	registry, vc, tenant := ownRegistry(t), acctest.Name("vc"), acctest.Name("t")
	topic := vc + "." + tenant + ".orders"
	config := fmt.Sprintf(`
provider "kafkatenant" {
  registry_topic = %q
}
`, registry) + tenantConfig(vc, tenant, 1, "") + `
resource "kafkatenant_topic" "orders" {
  name       = "${kafkatenant_tenant.test.topic_prefix}orders"
  tenant     = kafkatenant_tenant.test.name
  partitions = 1
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					for i := range 3 {
						produceAsAdmin(context.Background(), t, topic, fmt.Sprintf("record-%d", i))
					}
					if err := acctest.AdminClient(t).DeleteTopic(context.Background(), registry); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kafkatenant_virtual_cluster.test", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("kafkatenant_tenant.test", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("kafkatenant_topic.orders", plancheck.ResourceActionNoop),
					plancheck.ExpectKnownValue("kafkatenant_tenant.test", tfjsonpath.New("registered"), knownvalue.Bool(true)),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						snap, err := registryClient(t, registry).RefreshRegistry(context.Background())
						if err != nil {
							return err
						}
						for _, key := range []string{"virtual_cluster/" + vc, "tenant/" + tenant} {
							if _, ok := snap.Records[key]; !ok {
								return fmt.Errorf("the apply did not register %s again", key)
							}
						}
						return nil
					},
					func(*terraform.State) error {
						if n := countRecords(t, topic, 3); n != 3 {
							return fmt.Errorf("topic %s holds %d records after the registry was restored, want the 3 produced before", topic, n)
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccRegistry_unreadableRecord writes garbage under a tenant's key:
// plans warn, naming the key and offset, and change nothing. A tombstone
// for the key takes effect at once: the tenant is registered again in
// place, and the plan after is empty and quiet.
func TestAccRegistry_unreadableRecord(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	registry, tenant := ownRegistry(t), acctest.Name("t")
	config := requiredProviders + fmt.Sprintf(`
provider "kafkatenant" {
  registry_topic = %q
}
`, registry) + plainTenant(tenant, "")
	ws := acctest.NewWorkspace(t, config)
	ws.MustRun(t, "apply", "-auto-approve", "-input=false")
	t.Cleanup(func() { ws.MustRun(t, "destroy", "-auto-approve", "-input=false") })

	produceRaw(t, registry, "tenant/"+tenant, []byte("not json"))
	out := ws.MustRun(t, "plan", "-input=false", "-detailed-exitcode")
	if !expectError(`Warning: Unreadable Registry Record.*"tenant/` + tenant + `" at offset \d+ of the registry topic "` + registry + `" cannot be read`).MatchString(out) {
		t.Errorf("the plan does not warn about the unreadable record:\n%s", out)
	}
	if !strings.Contains(out, "No changes.") {
		t.Errorf("an unreadable record changed the plan:\n%s", out)
	}

	produceRaw(t, registry, "tenant/"+tenant, nil)
	out = ws.MustRun(t, "plan", "-input=false")
	if !strings.Contains(out, "Warning: Registry Record Missing") || !strings.Contains(out, "1 to change, 0 to destroy") || strings.Contains(out, "must be replaced") {
		t.Errorf("after the tombstone the plan does not register the tenant again in place:\n%s", out)
	}
	ws.MustRun(t, "apply", "-auto-approve", "-input=false")
	out = ws.MustRun(t, "plan", "-input=false", "-detailed-exitcode")
	if w := ourWarnings(out); len(w) > 0 || !strings.Contains(out, "No changes.") {
		t.Errorf("the plan after recovery is not empty and quiet (warnings %q):\n%s", w, out)
	}
}

// TestAccDestroy_afterRefusedPlan applies a tenant, then a configuration
// that adds an overlapping one, which is refused. terraform destroy must
// still work without flags, although Terraform plans the refused
// configuration once more before destroying.
func TestAccDestroy_afterRefusedPlan(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	owner, other := acctest.Name("own"), acctest.Name("oth")
	ws := acctest.NewWorkspace(t, requiredProviders+plainTenant(owner, ""))
	ws.MustRun(t, "apply", "-auto-approve", "-input=false")
	ws.Write(t, requiredProviders+plainTenant(owner, "")+fmt.Sprintf(`
resource "kafkatenant_tenant" "other" {
  name         = %q
  topic_prefix = "%s.other."
}
`, other, owner))
	out, err := ws.Run(context.Background(), "apply", "-auto-approve", "-input=false")
	if err == nil || !strings.Contains(out, "Overlapping Prefixes") {
		t.Fatalf("the overlapping tenant was not refused: %v\n%s", err, out)
	}
	out, err = ws.Run(context.Background(), "destroy", "-auto-approve", "-input=false")
	if err != nil {
		t.Fatalf("destroy after a refused apply failed: %v\n%s", err, out)
	}
	if err := checkTenantGone(t, "User:"+owner)(nil); err != nil {
		t.Error(err)
	}
}

// TestAccDemo_noWarnings applies the demo, unchanged, on a cluster of its
// own: a correct configuration applies and plans without one warning from
// the provider, the first time as every time after.
func TestAccDemo_noWarnings(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	c := acctest.OwnCluster(t)
	ws := acctest.NewWorkspace(t, mustReadFile(t, filepath.Join("..", "..", "examples", "demo", "main.tf")))
	acctest.CopyTree(t, filepath.Join("..", "..", "examples", "modules"), filepath.Join(filepath.Dir(ws.Dir), "modules"))
	ws.MustRun(t, "get")
	ws.Setenv(c.Env())
	ws.Setenv(map[string]string{"TF_VAR_passwords": `{"london-payments":"pw-london-payments","london-risk":"pw-london-risk","paris-orders":"pw-paris-orders"}`})
	out := ws.MustRun(t, "apply", "-auto-approve", "-input=false")
	t.Cleanup(func() { ws.MustRun(t, "destroy", "-auto-approve", "-input=false") })
	if w := ourWarnings(out); len(w) > 0 {
		t.Errorf("the demo's first apply warned %q:\n%s", w, out)
	}
	out = ws.MustRun(t, "plan", "-input=false", "-detailed-exitcode")
	if w := ourWarnings(out); len(w) > 0 {
		t.Errorf("the demo's plan after apply warned %q:\n%s", w, out)
	}
}

// requestCounter counts the requests a cluster of a test's own receives.
type requestCounter struct {
	mu     sync.Mutex
	counts map[string]int
}

// countRequests observes c through Observe: the embedded cluster answers
// ApiVersions in a control function of its own, which a control added to
// c.Fake would never see.
func countRequests(c *embedded.Cluster) *requestCounter {
	rc := &requestCounter{counts: map[string]int{}}
	c.Observe(func(req kmsg.Request) {
		rc.mu.Lock()
		rc.counts[kmsg.NameForKey(req.Key())]++
		rc.mu.Unlock()
	})
	return rc
}

func (rc *requestCounter) take() map[string]int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := rc.counts
	rc.counts = map[string]int{}
	return out
}

// TestAccPlan_noRefreshNoRequests applies a configuration with every
// resource type on a cluster of its own, then plans it without refresh:
// the provider sends the cluster no request at all. A refreshing plan
// reads the cluster once, in a fixed number of requests.
func TestAccPlan_noRefreshNoRequests(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	acctest.SkipExternal(t, "count the requests a cluster receives")
	c := acctest.OwnCluster(t)
	vc, tenant := acctest.Name("vc"), acctest.Name("t")
	config := requiredProviders + capacityProvider + tenantConfig(vc, tenant, 1, "") + `
resource "kafkatenant_topic" "orders" {
  for_each   = toset(["a", "b", "c"])
  name       = "${kafkatenant_tenant.test.topic_prefix}${each.key}"
  tenant     = kafkatenant_tenant.test.name
  partitions = 2
  config     = { "retention.ms" = "3600000" }
}

resource "kafkatenant_quota" "broker" {
  tenant             = kafkatenant_tenant.test.name
  producer_byte_rate = 1000000
  consumer_byte_rate = 2000000
}

resource "kafkatenant_quota" "cluster" {
  tenant             = kafkatenant_tenant.test.name
  client_id          = "batch"
  scope              = "cluster"
  producer_byte_rate = 3000000
  depends_on         = [kafkatenant_topic.orders]
}

resource "kafkatenant_acl" "reader" {
  principal     = "User:connect"
  resource_type = "TOPIC"
  resource_name = kafkatenant_topic.orders["a"].name
  operation     = "READ"
}
`
	ws := acctest.NewWorkspace(t, config)
	ws.Setenv(c.Env())
	ws.MustRun(t, "apply", "-auto-approve", "-input=false")
	t.Cleanup(func() { ws.MustRun(t, "destroy", "-auto-approve", "-input=false") })

	requests := countRequests(c)
	out := ws.MustRun(t, "plan", "-refresh=false", "-input=false", "-detailed-exitcode")
	if got := requests.take(); len(got) > 0 {
		t.Errorf("plan -refresh=false of an unchanged configuration sent %v, want no request:\n%s", got, out)
	}
	ws.MustRun(t, "plan", "-input=false", "-detailed-exitcode")
	got := requests.take()
	total := 0
	for _, n := range got {
		total += n
	}
	t.Logf("a refreshing plan sent %d requests: %v", total, got)
	// One connection (ApiVersions, SaslHandshake and two
	// SaslAuthenticate), its Metadata, one read of each kind, and the
	// registry fetched over a second connection, 14 in all: the count does
	// not grow with the resources.
	if total > 14 || got["DescribeConfigs"] > 1 || got["DescribeClientQuotas"] > 1 || got["DescribeACLs"] > 1 {
		t.Errorf("a refreshing plan of 9 resources sent %d requests, want at most 14, one of each read: %v", total, got)
	}
}
