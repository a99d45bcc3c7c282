package provider_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sdkacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// The embedded cluster (kfake) differs from Apache Kafka in ways some
// tests depend on: it accepts partition reassignments and applies none,
// never throttles, lets only SCRAM users of 4096 iterations log in, and
// validates no topic config. A test that can assert more on a broker that
// does these things asks the cluster under test, through a capability
// probe, rather than trusting a flag: the probe tries the thing on scratch
// objects and looks at the result. Each probe runs at most once per test
// binary, when a test first asks.

// capability is one probed behaviour of the cluster under test.
type capability struct {
	name  string
	probe func(ctx context.Context, admin *kafka.Client) (bool, string, error)

	once      sync.Once
	supported bool
	finding   string
	err       error
}

var (
	appliesReassignments = &capability{name: "applies partition reassignments", probe: probeReassignment}
	honoursIterations    = &capability{name: "logs in SCRAM users of more than 4096 iterations", probe: probeSCRAMIterations}
	validatesTopicConfig = &capability{name: "refuses unknown topic config keys", probe: probeTopicConfigs}
	throttles            = &capability{name: "throttles clients over their quota", probe: probeThrottling}
)

// on reports whether the cluster under test has the capability, probing it
// the first time, and logs what the probe found.
func (c *capability) on(t *testing.T) bool {
	t.Helper()
	c.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		admin := kafka.NewClient(acctest.ConnectionConfig())
		defer admin.Close()
		c.supported, c.finding, c.err = c.probe(ctx, admin)
	})
	if c.err != nil {
		t.Fatalf("probing whether the cluster %s: %v", c.name, c.err)
	}
	t.Logf("capability probe: the cluster %s: %v (%s)", c.name, c.supported, c.finding)
	return c.supported
}

// scratchTopic creates a topic for a probe, deleted when the probe ends.
func scratchTopic(ctx context.Context, admin *kafka.Client, spec kafka.TopicSpec) (func(), error) {
	if _, err := admin.CreateTopic(ctx, spec); err != nil {
		return nil, err
	}
	return func() { _ = admin.DeleteTopic(context.Background(), spec.Name) }, nil
}

// probeReassignment asks for a second replica of a one-replica topic and
// looks at whether the partition gets it.
func probeReassignment(ctx context.Context, admin *kafka.Client) (bool, string, error) {
	brokers, err := admin.Brokers(ctx)
	if err != nil {
		return false, "", err
	}
	if len(brokers) < 2 {
		return false, "the cluster has one broker, so no partition can move", nil
	}
	name := acctest.Name("probe-reassign")
	drop, err := scratchTopic(ctx, admin, kafka.TopicSpec{Name: name, Partitions: 1, ReplicationFactor: 1})
	if err != nil {
		return false, "", err
	}
	defer drop()
	switch err := admin.SetReplicationFactor(ctx, name, 2); {
	case errors.Is(err, kafka.ErrReassignmentIgnored):
		return false, "a reassignment of a scratch topic to 2 replicas was accepted and not applied", nil
	case err != nil:
		return false, "", err
	}
	d, err := admin.DescribeTopic(ctx, name)
	if err != nil {
		return false, "", err
	}
	if len(d.Replicas[0]) != 2 {
		return false, "", fmt.Errorf("the reassignment reported success but partition 0 lists replicas %v", d.Replicas[0])
	}
	return true, fmt.Sprintf("a scratch topic moved to replicas %v", d.Replicas[0]), nil
}

// probeSCRAMIterations creates two users, with 4096 and 8192 iterations,
// waits until the first can log in (a real broker spreads new credentials
// asynchronously), then tries the second.
func probeSCRAMIterations(ctx context.Context, admin *kafka.Client) (bool, string, error) {
	conn := acctest.ConnectionConfig()
	mechanism := kafka.MechanismScramSHA512
	if conn.SASL != nil && conn.SASL.Mechanism == kafka.MechanismScramSHA256 {
		mechanism = kafka.MechanismScramSHA256
	}
	login := func(user, password string) error {
		cfg := conn
		cfg.SASL = &kafka.SASLConfig{Mechanism: mechanism, Username: user, Password: password}
		cfg.Timeout = 5 * time.Second
		c := kafka.NewClient(cfg)
		defer c.Close()
		return c.Ping(ctx)
	}
	password := sdkacctest.RandString(20)
	users := map[int32]string{4096: acctest.Name("probe-scram"), 8192: acctest.Name("probe-scram")}
	for iterations, user := range users {
		if err := admin.UpsertSCRAM(ctx, user, mechanism, iterations, password); err != nil {
			return false, "", err
		}
		defer func() { _ = admin.DeleteSCRAM(context.Background(), user, mechanism) }()
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := login(users[4096], password)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			return false, "", fmt.Errorf("a %s user of 4096 iterations cannot log in either: %w", mechanism, err)
		}
		time.Sleep(time.Second)
	}
	if err := login(users[8192], password); err != nil {
		return false, fmt.Sprintf("a %s user of 8192 iterations could not log in where one of 4096 could: %v", mechanism, err), nil
	}
	return true, fmt.Sprintf("a %s user of 8192 iterations logged in", mechanism), nil
}

// probeTopicConfigs creates a topic with a config key no broker knows.
func probeTopicConfigs(ctx context.Context, admin *kafka.Client) (bool, string, error) {
	name := acctest.Name("probe-config")
	drop, err := scratchTopic(ctx, admin, kafka.TopicSpec{Name: name, Partitions: 1, ReplicationFactor: -1, Configs: map[string]string{"ktacc.no.such.key": "1"}})
	switch {
	case errors.Is(err, kerr.InvalidConfig):
		return true, fmt.Sprintf("a topic with an unknown config key was refused: %v", err), nil
	case err != nil:
		return false, "", err
	}
	drop()
	return false, "a topic with an unknown config key was created", nil
}

// probeThrottling gives a client id a producer quota of 1 KiB/s and
// produces well over it for a few seconds as that client, watching for the
// broker to report a throttle.
func probeThrottling(ctx context.Context, admin *kafka.Client) (bool, string, error) {
	name := acctest.Name("probe-throttle")
	drop, err := scratchTopic(ctx, admin, kafka.TopicSpec{Name: name, Partitions: 1, ReplicationFactor: -1})
	if err != nil {
		return false, "", err
	}
	defer drop()
	entity := []kafka.QuotaComponent{{Type: "client-id", Name: name}}
	if err := admin.AlterQuota(ctx, entity, map[string]float64{"producer_byte_rate": 1024}, nil, false); err != nil {
		return false, "", err
	}
	defer func() { _ = admin.AlterQuota(context.Background(), entity, nil, []string{"producer_byte_rate"}, false) }()

	var throttled throttleWatch
	cl, err := newAdminKgo(kgo.ClientID(name), kgo.WithHooks(&throttled))
	if err != nil {
		return false, "", err
	}
	defer cl.Close()
	value := make([]byte, 16<<10)
	sent := 0
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end) && throttled.count.Load() == 0 && sent < 1<<20; {
		if err := cl.ProduceSync(ctx, &kgo.Record{Topic: name, Value: value}).FirstErr(); err != nil {
			return false, "", fmt.Errorf("producing to %s: %w", name, err)
		}
		sent += len(value)
	}
	if throttled.count.Load() == 0 {
		return false, fmt.Sprintf("%d KiB produced against a quota of 1 KiB/s drew no throttle", sent>>10), nil
	}
	return true, fmt.Sprintf("throttled for %v after %d KiB against a quota of 1 KiB/s", time.Duration(throttled.longest.Load()), sent>>10), nil
}

// throttleWatch is a kgo hook that counts the throttles brokers report.
type throttleWatch struct {
	count   atomic.Int32
	longest atomic.Int64
}

func (w *throttleWatch) OnBrokerThrottle(_ kgo.BrokerMetadata, interval time.Duration, _ bool) {
	if interval > 0 {
		w.count.Add(1)
		if int64(interval) > w.longest.Load() {
			w.longest.Store(int64(interval))
		}
	}
}

// TestAccCapabilities_probes proves the probes against the embedded
// cluster, whose gaps are known: each must report the capability missing,
// so that the tests which branch on them keep asserting kfake's behaviour
// there. Against an external cluster it reports what the probes find.
func TestAccCapabilities_probes(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	t.Parallel()
	for _, c := range []*capability{appliesReassignments, honoursIterations, validatesTopicConfig, throttles} {
		if got := c.on(t); got && acctest.IsEmbedded() {
			t.Errorf("the probe says the embedded cluster %s, which kfake does not do: %s", c.name, c.finding)
		}
	}
}
