package kafka_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/embedded"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// planShapedReads does what a plan of n topics, n quotas and n tenants
// does to a fresh provider process: n concurrent callers each ask the
// snapshot for a topic with its configs, a principal's ACLs, a quota, a
// SCRAM user and the registry. It returns the requests the cluster
// received, by kind.
func planShapedReads(t *testing.T, c *embedded.Cluster, n int) map[string]int {
	t.Helper()
	ctx := context.Background()
	setup := registryClient(t, c, "")
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("plan-%04d", i)
			if _, err := setup.CreateTopic(ctx, kafka.TopicSpec{Name: name, Partitions: 1, ReplicationFactor: 1, Configs: map[string]string{"retention.ms": "60000"}}); err != nil {
				t.Error(err)
			}
			if err := setup.AlterQuota(ctx, []kafka.QuotaComponent{{Type: "user", Name: name}}, map[string]float64{"producer_byte_rate": 1000}, nil, false); err != nil {
				t.Error(err)
			}
			if err := setup.CreateACLs(ctx, []kafka.ACL{{Principal: "User:" + name, Host: "*", ResourceType: "TOPIC", ResourceName: name, PatternType: "LITERAL", Operation: "READ", Permission: "ALLOW"}}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if _, err := setup.PutRecord(ctx, "tenant", "plan", spec{Prefix: "plan-"}); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	counts := map[string]int{}
	c.Fake.Control(func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.Fake.KeepControl()
		mu.Lock()
		counts[kmsg.NameForKey(req.Key())]++
		mu.Unlock()
		return nil, nil, false
	})
	plan := registryClient(t, c, "")
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("plan-%04d", i)
			snap, err := plan.Snapshot(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			d, ok, err := snap.Topic(ctx, name)
			if err != nil || !ok || d.DynamicConfigs["retention.ms"] != "60000" {
				t.Errorf("topic %s from the snapshot: %v %t %v", name, d, ok, err)
			}
			if acls := snap.ACLs("User:" + name); len(acls) != 1 {
				t.Errorf("ACLs of %s from the snapshot: %v", name, acls)
			}
			if q := snap.Quota([]kafka.QuotaComponent{{Type: "user", Name: name}}); q["producer_byte_rate"] != 1000 {
				t.Errorf("quota of %s from the snapshot: %v", name, q)
			}
			if _, ok := snap.Registry().Records["tenant/plan"]; !ok {
				t.Error("the snapshot's registry misses tenant/plan")
			}
			_ = snap.SCRAMCredentials(name)
			_ = snap.TopicReplicas()
		}()
	}
	wg.Wait()
	c.Fake.DropControl()
	mu.Lock()
	defer mu.Unlock()
	out := map[string]int{}
	for k, v := range counts {
		out[k] = v
	}
	return out
}

// A plan of 1000 resources costs the cluster the same requests as a plan
// of 10: the snapshot is loaded once, in a fixed number of requests.
func TestSnapshot_requestsDoNotGrowWithResources(t *testing.T) {
	small := planShapedReads(t, startEmbedded(t), 10)
	large := planShapedReads(t, startEmbedded(t), 1000)
	total := func(m map[string]int) int {
		n := 0
		for _, v := range m {
			n += v
		}
		return n
	}
	if total(small) != total(large) {
		t.Errorf("10 resources cost %d requests %v, 1000 cost %d %v: reads are not shared", total(small), small, total(large), large)
	}
	for _, kind := range []string{"DescribeConfigs", "DescribeACLs", "DescribeClientQuotas", "DescribeUserSCRAMCredentials", "Fetch"} {
		if large[kind] != 1 {
			t.Errorf("1000 resources sent %d %s requests, want 1: %v", large[kind], kind, large)
		}
	}
}

// Concurrent writes share requests: a hundred topics created at once are
// created by a handful of CreateTopics requests, not a hundred, and the
// snapshot sees every one without reading again.
func TestWrites_areBatched(t *testing.T) {
	_, c, tally := tallyingCluster(t)
	ctx := context.Background()
	snap, err := c.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tally.reset()
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("batch-%03d", i)
			if _, err := c.CreateTopic(ctx, kafka.TopicSpec{Name: name, Partitions: 1, ReplicationFactor: 1}); err != nil {
				t.Error(err)
			}
			if err := c.AlterQuota(ctx, []kafka.QuotaComponent{{Type: "user", Name: name}}, map[string]float64{"consumer_byte_rate": 10}, nil, false); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := tally.get(kmsg.CreateTopics); n == 0 || n > 10 {
		t.Errorf("100 concurrent creates sent %d CreateTopics requests, want a few shared ones", n)
	}
	if n := tally.get(kmsg.AlterClientQuotas); n == 0 || n > 10 {
		t.Errorf("100 concurrent quota writes sent %d AlterClientQuotas requests, want a few shared ones", n)
	}
	if got := len(snap.TopicsWithPrefix("batch-")); got != 100 {
		t.Errorf("the snapshot holds %d of the 100 topics this client created", got)
	}
	if q := snap.Quota([]kafka.QuotaComponent{{Type: "user", Name: "batch-042"}}); q["consumer_byte_rate"] != 10 {
		t.Errorf("the snapshot does not follow the client's quota write: %v", q)
	}
}

// A record that cannot be read is skipped and reported, not fatal, and a
// tombstone or a readable record for its key replaces it at once.
func TestRegistry_unreadableRecordIsSkipped(t *testing.T) {
	ctx := context.Background()
	c := startEmbedded(t)
	w := registryClient(t, c, "_kt_skip")
	if _, err := w.PutRecord(ctx, "tenant", "a", spec{Prefix: "a."}); err != nil {
		t.Fatal(err)
	}
	produce := func(key string, value []byte) {
		t.Helper()
		if err := rawProduce(ctx, c, "_kt_skip", key, value); err != nil {
			t.Fatal(err)
		}
	}
	produce("tenant/a", []byte("{not json"))
	produce("tenant/b", []byte(`{"schema_version":99,"kind":"tenant","name":"b","spec":{}}`))
	snap, err := registryClient(t, c, "_kt_skip").Registry(ctx)
	if err != nil {
		t.Fatalf("an unreadable record failed the read: %v", err)
	}
	if _, ok := snap.Records["tenant/a"]; ok {
		t.Error("a record superseded by an unreadable one is still live")
	}
	if s, ok := snap.Skipped["tenant/a"]; !ok || s.Offset != 1 {
		t.Errorf("the unreadable record is not reported at offset 1: %+v", snap.Skipped)
	}
	if s := snap.Skipped["tenant/b"]; s.Reason == "" || s.Offset != 2 {
		t.Errorf("the future-schema record is not reported: %+v", snap.Skipped)
	}

	produce("tenant/a", nil)
	if _, err := w.PutRecord(ctx, "tenant", "b", spec{Prefix: "b."}); err != nil {
		t.Fatal(err)
	}
	snap, err = registryClient(t, c, "_kt_skip").Registry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Skipped) != 0 || len(snap.Records) != 1 || snap.Records["tenant/b"].Offset != 4 {
		t.Errorf("after a tombstone and a corrected record: records %v skipped %v", snap.Records, snap.Skipped)
	}
}

// An update keeps the object's claim offset, so that updating never moves
// a claim behind a later one.
func TestRegistry_updateKeepsClaimOffset(t *testing.T) {
	ctx := context.Background()
	c := startEmbedded(t)
	w := registryClient(t, c, "_kt_claim")
	first, err := w.PutRecord(ctx, "tenant", "a", spec{Prefix: "a."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.PutRecord(ctx, "tenant", "b", spec{Prefix: "b."}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.PutRecord(ctx, "tenant", "a", spec{Prefix: "a."}); err != nil {
		t.Fatal(err)
	}
	snap, err := registryClient(t, c, "_kt_claim").Registry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, b := snap.Records["tenant/a"], snap.Records["tenant/b"]
	if a.ClaimOffset != first || a.Offset <= b.Offset || a.ClaimOffset >= b.ClaimOffset {
		t.Errorf("a at %d claims from %d, b at %d claims from %d: a's update must keep its first claim", a.Offset, a.ClaimOffset, b.Offset, b.ClaimOffset)
	}
	if a.Writer != "User:"+c.AdminUser() {
		t.Errorf("the record's writer is %q, want the provider's principal", a.Writer)
	}
}

// rawProduce writes a record as it is, a nil value being a tombstone, with
// the embedded cluster's admin credentials.
func rawProduce(ctx context.Context, c *embedded.Cluster, topic, key string, value []byte) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.BootstrapServers()...),
		kgo.SASL(scram.Auth{User: c.AdminUser(), Pass: c.AdminPassword()}.AsSha512Mechanism()))
	if err != nil {
		return err
	}
	defer cl.Close()
	return cl.ProduceSync(ctx, &kgo.Record{Topic: topic, Key: []byte(key), Value: value}).FirstErr()
}

// TopicLayouts lists topics under a prefix, sorted, with their partitions
// and replication factor, from the loaded snapshot: no request. The
// snapshot is loaded within a second of the client's connection check and
// right after its creates, so it must not take the check's metadata, from
// before them.
func TestSnapshot_topicLayouts(t *testing.T) {
	_, c, tally := tallyingCluster(t)
	ctx := context.Background()
	for _, spec := range []kafka.TopicSpec{
		{Name: "lay.b", Partitions: 3, ReplicationFactor: 1},
		{Name: "lay.a", Partitions: 1, ReplicationFactor: 1},
		{Name: "other", Partitions: 2, ReplicationFactor: 1},
	} {
		if _, err := c.CreateTopic(ctx, spec); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := c.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tally.reset()
	got := snap.TopicLayouts("lay.")
	want := []kafka.TopicLayout{{Name: "lay.a", Partitions: 1, ReplicationFactor: 1}, {Name: "lay.b", Partitions: 3, ReplicationFactor: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("TopicLayouts(lay.) = %+v, want %+v", got, want)
	}
	if all := snap.TopicLayouts(""); len(all) != 3 {
		t.Errorf("TopicLayouts(\"\") = %+v, want all 3 topics", all)
	}
	tally.mu.Lock()
	defer tally.mu.Unlock()
	if len(tally.counts) != 0 {
		t.Errorf("TopicLayouts sent requests %v, want none", tally.counts)
	}
}

// On a cluster with more topics than a snapshot loads the configs of, the
// snapshot holds every topic's partitions and fetches a topic's configs
// only when a plan asks about that topic, once.
func TestSnapshot_largeClusterFetchesConfigsOnDemand(t *testing.T) {
	fake, c, tally := tallyingCluster(t)
	ctx := context.Background()
	other := outOfBandClient(t, fake)
	retention := "3600000"
	for _, name := range []string{"a", "b", "c"} {
		if _, err := kadm.NewClient(other).CreateTopic(ctx, 2, 1, map[string]*string{"retention.ms": &retention}, name); err != nil {
			t.Fatalf("creating topic %s: %v", name, err)
		}
	}
	kafka.SetSnapshotConfigTopics(c, 2)

	tally.reset()
	snap, err := c.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := tally.get(kmsg.DescribeConfigs); n != 0 {
		t.Errorf("loading the snapshot of 3 topics with a limit of 2 sent %d DescribeConfigs requests, want 0", n)
	}
	for range 2 {
		d, ok, err := snap.Topic(ctx, "b")
		if err != nil || !ok {
			t.Fatalf("Topic(b) = %v, %v", ok, err)
		}
		if d.Partitions != 2 || d.DynamicConfigs["retention.ms"] != retention {
			t.Errorf("Topic(b) = %d partitions and configs %v, want 2 and retention.ms=%s", d.Partitions, d.DynamicConfigs, retention)
		}
	}
	if n := tally.get(kmsg.DescribeConfigs); n != 1 {
		t.Errorf("asking twice for one topic's configs sent %d DescribeConfigs requests, want 1", n)
	}
	if _, ok, err := snap.Topic(ctx, "missing"); err != nil || ok {
		t.Errorf("Topic(missing) = %v, %v; want absent", ok, err)
	}
}

// A topic this client deletes while its snapshot is loading stays deleted
// in the snapshot, although the load read the topics before the delete.
// A plan's snapshot once kept such a topic and counted it against its
// tenant's budget until the plan gave up.
func TestSnapshot_keepsWritesMadeWhileLoading(t *testing.T) {
	fake, c, _ := tallyingCluster(t)
	ctx := context.Background()
	other := outOfBandClient(t, fake)
	for _, name := range []string{"gone", kafka.DefaultRegistryTopic} {
		if _, err := kadm.NewClient(other).CreateTopic(ctx, 1, 1, nil, name); err != nil {
			t.Fatal(err)
		}
	}
	if err := other.ProduceSync(ctx, &kgo.Record{Topic: kafka.DefaultRegistryTopic, Key: []byte("tenant/x"), Value: []byte("{}")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	// The load reads the registry after it has read the topics, on a
	// connection of its own; hold that read until the delete is done.
	loading, release := make(chan struct{}), make(chan struct{})
	var held sync.Once
	fake.ControlKey(int16(kmsg.Fetch), func(kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		held.Do(func() {
			close(loading)
			fake.SleepControl(func() { <-release })
		})
		return nil, nil, false
	})
	type loaded struct {
		snap *kafka.Snapshot
		err  error
	}
	done := make(chan loaded, 1)
	go func() {
		snap, err := c.Snapshot(ctx)
		done <- loaded{snap, err}
	}()
	<-loading
	if err := c.DeleteTopic(ctx, "gone"); err != nil {
		t.Fatalf("deleting the topic while the snapshot loads: %v", err)
	}
	close(release)
	got := <-done
	if got.err != nil {
		t.Fatal(got.err)
	}
	if got.snap.HasTopic("gone") {
		t.Error("the snapshot holds topic gone, which this client deleted while it was loading")
	}
}

// A topic this client creates is in its loaded snapshot at once, with the
// configs it was created with, and reading it costs no request.
func TestSnapshot_holdsTopicsThisClientCreates(t *testing.T) {
	_, c, tally := tallyingCluster(t)
	ctx := context.Background()
	snap, err := c.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateTopic(ctx, kafka.TopicSpec{Name: "orders", Partitions: 3, ReplicationFactor: 1, Configs: map[string]string{"retention.ms": "60000"}}); err != nil {
		t.Fatal(err)
	}
	tally.reset()
	d, ok, err := snap.Topic(ctx, "orders")
	if err != nil || !ok {
		t.Fatalf("Topic(orders) after creating it = %v, %v", ok, err)
	}
	if d.Partitions != 3 || d.DynamicConfigs["retention.ms"] != "60000" {
		t.Errorf("Topic(orders) = %d partitions and configs %v, want 3 and retention.ms=60000", d.Partitions, d.DynamicConfigs)
	}
	if n := tally.get(kmsg.Metadata) + tally.get(kmsg.DescribeConfigs); n != 0 {
		t.Errorf("reading a topic this client created from the snapshot sent %d requests, want 0", n)
	}
}
