package provider_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// faultTimeout is the provider timeout of the fault tests: short, so that
// failures come quickly, and long enough for a loaded machine.
const faultTimeout = 5 * time.Second

func faultProvider() string {
	return fmt.Sprintf(`
provider "kafkatenant" {
  timeout = %q
}
`, faultTimeout)
}

// stopAfter stops the cluster right after it received the k-th request of
// key, which it still carries out but answers REQUEST_TIMED_OUT: the
// request takes effect and its answer is lost, as with a broker killed at
// that moment, and the client's second try finds the cluster gone.
func stopAfter(fc *acctest.Restartable, key kmsg.Key, k int32) *atomic.Int32 {
	var n atomic.Int32
	fake := fc.Cluster.Fake
	fake.ControlKey(int16(key), func(kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		if n.Add(1) == k {
			fake.Fault(kfake.Fault{Keys: []kmsg.Key{key}, Err: kerr.RequestTimedOut, Count: -1})
			go func() {
				time.Sleep(20 * time.Millisecond)
				fc.Stop()
			}()
		}
		return nil, nil, false
	})
	return &n
}

// stopAt stops the cluster when it receives the k-th request of key,
// without handling it: the connection drops, and the request never takes
// effect.
func stopAt(fc *acctest.Restartable, key kmsg.Key, k int32) {
	var n atomic.Int32
	fake := fc.Cluster.Fake
	fake.ControlKey(int16(key), func(kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		if n.Add(1) != k {
			return nil, nil, false
		}
		go fc.Stop()
		return nil, errors.New("stopped by the test"), true
	})
}

// applyUntilStopped runs an apply that the cluster dies during, and checks
// that it fails, and within the bound the timeout promises.
func applyUntilStopped(t *testing.T, ws *acctest.Workspace) string {
	t.Helper()
	start := time.Now()
	out, err := ws.Run(context.Background(), "apply", "-auto-approve", "-input=false", "-parallelism=10")
	if err == nil {
		t.Fatalf("the apply succeeded although the cluster stopped during it:\n%s", out)
	}
	elapsed := time.Since(start)
	if elapsed > 3*faultTimeout {
		t.Errorf("the apply took %s to fail with timeout %s, want at most three times the timeout", elapsed.Round(time.Second), faultTimeout)
	}
	t.Logf("the apply failed after %s (timeout %s)", elapsed.Round(100*time.Millisecond), faultTimeout)
	return out
}

// restartAndConverge starts the cluster again from its saved state,
// applies again with no import step, and checks that the apply converges:
// it succeeds and the next plan is empty.
func restartAndConverge(t *testing.T, fc *acctest.Restartable, ws *acctest.Workspace) string {
	t.Helper()
	fc.Start()
	out := ws.MustRun(t, "apply", "-auto-approve", "-input=false", "-parallelism=10")
	plan := ws.MustRun(t, "plan", "-input=false", "-detailed-exitcode")
	if !strings.Contains(plan, "No changes.") {
		t.Errorf("the plan after the converging apply is not empty:\n%s", plan)
	}
	return out
}

// TestAccFault_stoppedDuringTopicCreates stops the cluster right after
// the second CreateTopics request of an apply of a tenant and 38 topics,
// starts it again from its data directory, and applies again: the topics
// created before the stop, unknown to state, are adopted, none is created
// twice, and the apply converges without an import.
func TestAccFault_stoppedDuringTopicCreates(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	fc := acctest.StartRestartable(t)
	tenant := acctest.Name("t")
	config := requiredProviders + faultProvider() + plainTenant(tenant, "") + `
resource "kafkatenant_topic" "many" {
  for_each   = toset([for i in range(38) : format("t%02d", i)])
  name       = "${kafkatenant_tenant.test.topic_prefix}${each.key}"
  tenant     = kafkatenant_tenant.test.name
  partitions = 2
  config     = { "retention.ms" = "600000" }
}
`
	ws := acctest.NewWorkspace(t, config)
	ws.Setenv(fc.Env())
	requests := stopAfter(fc, kmsg.CreateTopics, 2)
	applyUntilStopped(t, ws)
	if requests.Load() < 2 {
		t.Fatalf("the apply failed before its second CreateTopics request (%d sent)", requests.Load())
	}
	out := restartAndConverge(t, fc, ws)
	t.Cleanup(func() { ws.MustRun(t, "destroy", "-auto-approve", "-input=false") })
	adopted := strings.Count(out, "Warning: Existing Topic Will Be Adopted")
	if adopted == 0 {
		t.Errorf("the converging apply adopted no topic, although the stopped request created some and lost their answers:\n%s", out)
	}
	t.Logf("topics adopted by the converging apply: %d", adopted)
	admin := kafka.NewClient(clientConfig(fc))
	defer admin.Close()
	topics, err := admin.ListTopics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for name := range topics {
		if strings.HasPrefix(name, tenant+".") {
			n++
		}
	}
	if n != 38 {
		t.Errorf("the tenant has %d topics after converging, want the 38 configured", n)
	}
}

// TestAccFault_stoppedDuringTenantACLs stops the cluster when the first
// CreateACLs request of an apply of five tenants with credentials arrives,
// after their records and credentials were written, then starts it again
// and applies: the tenants cut off half-way are not tainted into
// replacements, their credentials keep their passwords, and the apply
// converges.
func TestAccFault_stoppedDuringTenantACLs(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	fc := acctest.StartRestartable(t)
	vc := acctest.Name("vc")
	config := requiredProviders + faultProvider() + fmt.Sprintf(`
resource "kafkatenant_virtual_cluster" "vc" {
  name = %q
}

resource "kafkatenant_tenant" "team" {
  for_each        = toset(["a", "b", "c", "d", "e"])
  name            = "team-${each.key}"
  virtual_cluster = kafkatenant_virtual_cluster.vc.name
  credentials = {
    password_wo         = "password-of-${each.key}"
    password_wo_version = 1
  }
}
`, vc)
	ws := acctest.NewWorkspace(t, config)
	ws.Setenv(fc.Env())
	stopAt(fc, kmsg.CreateACLs, 1)
	applyUntilStopped(t, ws)
	out := restartAndConverge(t, fc, ws)
	t.Cleanup(func() { ws.MustRun(t, "destroy", "-auto-approve", "-input=false") })
	if strings.Contains(out, "replace") || strings.Contains(out, "tainted") {
		t.Errorf("the converging apply replaced a tenant:\n%s", out)
	}
	cfg := clientConfig(fc)
	for _, team := range []string{"a", "b", "c", "d", "e"} {
		user := vc + ".team-" + team
		if err := checkLoginTo(cfg, user, "password-of-"+team, true); err != nil {
			t.Error(err)
		}
	}
}

// TestAccFault_frozenCluster holds every request without an answer, as a
// frozen broker (SIGSTOP) does: a plan and an apply fail within three
// times the timeout, saying that the brokers did not answer in time.
func TestAccFault_frozenCluster(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	fc := acctest.StartRestartable(t)
	tenant := acctest.Name("t")
	ws := acctest.NewWorkspace(t, requiredProviders+faultProvider()+plainTenant(tenant, "")+fmt.Sprintf(`
resource "kafkatenant_topic" "t" {
  for_each   = toset(["a", "b", "c"])
  name       = "%s.${each.key}"
  tenant     = kafkatenant_tenant.test.name
  partitions = 1
}
`, tenant))
	ws.Setenv(fc.Env())
	thaw := freeze(fc.Cluster.Fake)
	t.Cleanup(thaw)
	for _, args := range [][]string{{"plan", "-input=false"}, {"apply", "-auto-approve", "-input=false"}} {
		start := time.Now()
		out, err := ws.Run(context.Background(), args...)
		elapsed := time.Since(start)
		if err == nil {
			t.Fatalf("%s against a frozen cluster succeeded:\n%s", args[0], out)
		}
		if elapsed > 3*faultTimeout {
			t.Errorf("%s against a frozen cluster took %s to fail with timeout %s, want at most three times the timeout", args[0], elapsed.Round(time.Second), faultTimeout)
		}
		t.Logf("%s against a frozen cluster failed after %s (timeout %s)", args[0], elapsed.Round(100*time.Millisecond), faultTimeout)
		if !strings.Contains(out, "Did Not Answer in Time") && !strings.Contains(out, "Kafka Connection Failed") {
			t.Errorf("%s against a frozen cluster does not say the brokers did not answer:\n%s", args[0], out)
		}
	}
}

// freeze makes the cluster hold every request without answering until the
// returned function is called, as a stopped process does.
func freeze(fake *kfake.Cluster) func() {
	release := make(chan struct{})
	fake.Control(func(kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		<-release
		return nil, nil, false
	})
	var once sync.Once
	return func() { once.Do(func() { close(release) }) }
}

func clientConfig(fc *acctest.Restartable) kafka.Config {
	env := fc.Env()
	return kafka.Config{
		BootstrapServers: strings.Split(env["KAFKATENANT_BOOTSTRAP_SERVERS"], ","),
		Timeout:          10 * time.Second,
		SASL:             &kafka.SASLConfig{Mechanism: env["KAFKATENANT_SASL_MECHANISM"], Username: env["KAFKATENANT_SASL_USERNAME"], Password: env["KAFKATENANT_SASL_PASSWORD"]},
	}
}

// checkLoginTo logs in to the cluster of cfg as user.
func checkLoginTo(cfg kafka.Config, user, password string, want bool) error {
	cfg.SASL = &kafka.SASLConfig{Mechanism: kafka.MechanismScramSHA512, Username: user, Password: password}
	cfg.Timeout = 5 * time.Second
	c := kafka.NewClient(cfg)
	defer c.Close()
	err := c.Ping(context.Background())
	if err == nil && !want {
		return fmt.Errorf("login as %s succeeded, want it refused", user)
	}
	if err != nil && want {
		return fmt.Errorf("login as %s failed, want it accepted: %w", user, err)
	}
	return nil
}

// TestAccTopic_createAnswerLost makes the controller create a topic but
// answer REQUEST_TIMED_OUT: the provider asks again, finds the topic with
// exactly the planned settings, adopts it, and the apply succeeds with
// nothing created twice.
func TestAccTopic_createAnswerLost(t *testing.T) {
	fake := acctest.Embedded(t, "make the controller lose its answer to CreateTopics").Fake
	name := acctest.Name("lost")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkTopicsDestroyed(t, name),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				fake.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.CreateTopics}, Topic: name, Err: kerr.RequestTimedOut})
			},
			Config: topicConfig(name, 3, `{ "retention.ms" = "600000" }`),
			Check: resource.ComposeAggregateTestCheckFunc(
				checkTopicOnCluster(t, name, 3, map[string]string{"retention.ms": "600000"}),
				resource.TestCheckResourceAttrSet("kafkatenant_topic.test", "topic_id"),
			),
		}},
	})
}
