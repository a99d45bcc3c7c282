package kafka_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/embedded"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

func startEmbedded(t testing.TB) *embedded.Cluster {
	t.Helper()
	c, err := embedded.Start(embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func registryClient(t testing.TB, c *embedded.Cluster, registryTopic string) *kafka.Client {
	t.Helper()
	cl := kafka.NewClient(kafka.Config{
		BootstrapServers: c.BootstrapServers(),
		Timeout:          10 * time.Second,
		SASL:             &kafka.SASLConfig{Mechanism: embedded.DefaultMechanism, Username: c.AdminUser(), Password: c.AdminPassword()},
		RegistryTopic:    registryTopic,
	})
	t.Cleanup(cl.Close)
	return cl
}

type spec struct {
	Prefix string `json:"prefix"`
}

func TestRegistryRoundTrip(t *testing.T) {
	ctx := context.Background()
	c := startEmbedded(t)
	writer := registryClient(t, c, "")

	// Reading a registry that does not exist finds it empty and creates
	// nothing: a plan has no side effects.
	snap, err := writer.Registry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Records) != 0 || snap.Exists {
		t.Fatalf("new registry holds %d records, exists %t", len(snap.Records), snap.Exists)
	}
	if _, err := writer.DescribeTopic(ctx, kafka.DefaultRegistryTopic); !errors.Is(err, kafka.ErrNotFound) {
		t.Fatalf("reading the registry created its topic: %v", err)
	}
	if err := writer.DeleteRecord(ctx, "tenant", "nothing"); err != nil {
		t.Fatalf("deleting from a registry that does not exist: %v", err)
	}
	if _, err := writer.DescribeTopic(ctx, kafka.DefaultRegistryTopic); !errors.Is(err, kafka.ErrNotFound) {
		t.Fatalf("deleting from a missing registry created its topic: %v", err)
	}

	// The first write creates it.
	first, err := writer.PutRecord(ctx, "tenant", "a", spec{Prefix: "a."})
	if err != nil {
		t.Fatal(err)
	}
	d, err := writer.DescribeTopic(ctx, kafka.DefaultRegistryTopic)
	if err != nil {
		t.Fatalf("registry topic not created by the first write: %v", err)
	}
	if d.Partitions != 1 || d.ReplicationFactor != 3 || d.DynamicConfigs["cleanup.policy"] != "compact" {
		t.Errorf("registry topic = %d partitions, rf %d, configs %v; want 1, 3, compacted", d.Partitions, d.ReplicationFactor, d.DynamicConfigs)
	}
	second, err := writer.PutRecord(ctx, "tenant", "b", spec{Prefix: "b."})
	if err != nil {
		t.Fatal(err)
	}
	if second <= first {
		t.Errorf("offsets %d then %d do not increase", first, second)
	}
	if _, err := writer.PutRecord(ctx, "tenant", "a", spec{Prefix: "a2."}); err != nil {
		t.Fatal(err)
	}
	if err := writer.DeleteRecord(ctx, "tenant", "b"); err != nil {
		t.Fatal(err)
	}

	// A second process sees the same content: latest value wins and
	// tombstones remove.
	reader := registryClient(t, c, "")
	snap, err = reader.Registry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tenants := snap.Of("tenant")
	if len(tenants) != 1 {
		t.Fatalf("reader sees %d tenants, want 1: %v", len(tenants), tenants)
	}
	var got spec
	if err := kafka.DecodeSpec(tenants["a"], &got); err != nil {
		t.Fatal(err)
	}
	if got.Prefix != "a2." {
		t.Errorf("tenant a has prefix %q, want the latest a2.", got.Prefix)
	}

	// Cached reads do not see later writes by others; a refresh does.
	if _, err := writer.PutRecord(ctx, "tenant", "c", spec{Prefix: "c."}); err != nil {
		t.Fatal(err)
	}
	if cached, _ := reader.Registry(ctx); len(cached.Of("tenant")) != 1 {
		t.Errorf("cached snapshot changed without a refresh")
	}
	fresh, err := reader.RefreshRegistry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(fresh.Of("tenant")) != 2 {
		t.Errorf("refreshed snapshot has %d tenants, want 2", len(fresh.Of("tenant")))
	}
}

func TestRegistryConcurrentWritersAgreeOnOrder(t *testing.T) {
	ctx := context.Background()
	c := startEmbedded(t)
	a, b := registryClient(t, c, "_kt_order"), registryClient(t, c, "_kt_order")
	var (
		wg     sync.WaitGroup
		offA   int64
		offB   int64
		errA   error
		errB   error
		snapsA kafka.RegistrySnapshot
		snapsB kafka.RegistrySnapshot
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		if offA, errA = a.PutRecord(ctx, "tenant", "x", spec{Prefix: "x."}); errA == nil {
			snapsA, errA = a.RefreshRegistry(ctx)
		}
	}()
	go func() {
		defer wg.Done()
		if offB, errB = b.PutRecord(ctx, "tenant", "y", spec{Prefix: "x.y."}); errB == nil {
			snapsB, errB = b.RefreshRegistry(ctx)
		}
	}()
	wg.Wait()
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	// Each writer's refresh right after its own write may precede the
	// other's write; once both are done, both see both.
	if snapsA, errA = a.RefreshRegistry(ctx); errA == nil {
		snapsB, errB = b.RefreshRegistry(ctx)
	}
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	// Both writers see both records at the same offsets, so both can tell
	// which claim came first.
	for _, s := range []kafka.RegistrySnapshot{snapsA, snapsB} {
		if s.Records["tenant/x"].Offset != offA || s.Records["tenant/y"].Offset != offB {
			t.Errorf("snapshot offsets x=%d y=%d, writers got x=%d y=%d", s.Records["tenant/x"].Offset, s.Records["tenant/y"].Offset, offA, offB)
		}
	}
}

func TestACLsAndSCRAM(t *testing.T) {
	ctx := context.Background()
	c := startEmbedded(t)
	cl := registryClient(t, c, "")
	acls := []kafka.ACL{
		{Principal: "User:t1", Host: "*", ResourceType: "topic", ResourceName: "t1.", PatternType: "prefixed", Operation: "describe-configs", Permission: "allow"},
		{Principal: "User:t1", Host: "*", ResourceType: "GROUP", ResourceName: "t1.", PatternType: "PREFIXED", Operation: "READ", Permission: "ALLOW"},
		{Principal: "User:t2", Host: "*", ResourceType: "TOPIC", ResourceName: "t2.", PatternType: "PREFIXED", Operation: "READ", Permission: "ALLOW"},
	}
	if err := cl.CreateACLs(ctx, acls); err != nil {
		t.Fatal(err)
	}
	got, err := cl.DescribeACLs(ctx, "User:t1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ResourceType != "GROUP" || got[1].Operation != "DESCRIBE_CONFIGS" {
		t.Fatalf("t1's ACLs = %v", got)
	}
	if err := cl.DeleteACLs(ctx, acls[:1]); err != nil {
		t.Fatal(err)
	}
	if got, _ := cl.DescribeACLs(ctx, "User:t1"); len(got) != 1 {
		t.Fatalf("after deleting one, t1 has %v", got)
	}
	if _, err := (kafka.ACL{ResourceType: "TOPICS", PatternType: "LITERAL", Operation: "READ", Permission: "ALLOW"}).Canonical(); err == nil {
		t.Error("TOPICS accepted as a resource type")
	}

	if err := cl.UpsertSCRAM(ctx, "t1", kafka.MechanismScramSHA512, 4096, "pw-one"); err != nil {
		t.Fatal(err)
	}
	creds, err := cl.DescribeSCRAM(ctx, "t1")
	if err != nil || len(creds) != 1 || creds[0].Mechanism != kafka.MechanismScramSHA512 || creds[0].Iterations != 4096 {
		t.Fatalf("credentials = %v, %v", creds, err)
	}
	if err := cl.DeleteSCRAM(ctx, "t1", kafka.MechanismScramSHA512); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.DescribeSCRAM(ctx, "t1"); err == nil {
		t.Error("credential still described after delete")
	}
	if ok, err := cl.SupportsIdempotentWriteByTopic(ctx); err != nil || !ok {
		t.Errorf("SupportsIdempotentWriteByTopic = %t, %v; kfake implements KIP-679", ok, err)
	}
}

// TestRegistryReadsAreShared checks that many resources asking for the
// registry at once, as Terraform's parallel plans do, cost one read, and
// that a refresh asked for later still sees a later write.
func TestRegistryReadsAreShared(t *testing.T) {
	ctx := context.Background()
	c := startEmbedded(t)
	writer := registryClient(t, c, "")
	if _, err := writer.PutRecord(ctx, "tenant", "a", spec{Prefix: "a."}); err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		reads int
	)
	c.Fake.ControlKey(int16(kmsg.Fetch), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.Fake.KeepControl()
		mu.Lock()
		reads++
		mu.Unlock()
		return nil, nil, false
	})
	reader := registryClient(t, c, "")
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := reader.Registry(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	mu.Lock()
	if reads != 1 {
		t.Errorf("50 concurrent first reads sent %d Fetch requests, want 1", reads)
	}
	mu.Unlock()
	if _, err := writer.PutRecord(ctx, "tenant", "b", spec{Prefix: "b."}); err != nil {
		t.Fatal(err)
	}
	snap, err := reader.RefreshRegistry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Of("tenant")) != 2 {
		t.Errorf("a refresh after another process wrote sees %d tenants, want 2", len(snap.Of("tenant")))
	}
}

// The first writes of one process race to create the registry topic.
// Creating it drops the topic from the client's metadata cache, which
// used to fail a record another write had already buffered ("topic purged
// while buffered"): every write must succeed.
func TestRegistryFirstWritesOfOneClientAllLand(t *testing.T) {
	ctx := context.Background()
	c := startEmbedded(t)
	for round := range 5 {
		topic := "_kt_first_" + string(rune('a'+round))
		cl := registryClient(t, c, topic)
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Staggered, so that the writes fall into different
				// CreateTopics batches.
				time.Sleep(time.Duration(i) * 3 * time.Millisecond)
				_, errs[i] = cl.PutRecord(ctx, "virtual_cluster", "vc"+string(rune('0'+i)), spec{Prefix: "vc" + string(rune('0'+i)) + "."})
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, write %d: %v", round, i, err)
			}
		}
		snap, err := cl.RefreshRegistry(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(snap.Records) != len(errs) {
			t.Fatalf("round %d: the registry holds %d records, want %d", round, len(snap.Records), len(errs))
		}
	}
}

// A client's own writes reach its cached registry without being read back
// when nothing was written in between; a record another client wrote in
// between is read, and both end up in the cache.
func TestRegistryOwnWritesAreNotReadBack(t *testing.T) {
	ctx := context.Background()
	c := startEmbedded(t)
	writer, other := registryClient(t, c, "_kt_own"), registryClient(t, c, "_kt_own")
	if _, err := writer.PutRecord(ctx, "tenant", "first", spec{Prefix: "first."}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	fetches := 0
	c.Observe(func(req kmsg.Request) {
		if req.Key() == int16(kmsg.Fetch) {
			mu.Lock()
			fetches++
			mu.Unlock()
		}
	})
	taken := func() int {
		mu.Lock()
		defer mu.Unlock()
		n := fetches
		fetches = 0
		return n
	}
	for _, name := range []string{"a", "b", "c"} {
		if _, err := writer.PutRecord(ctx, "tenant", name, spec{Prefix: name + "."}); err != nil {
			t.Fatal(err)
		}
	}
	if n := taken(); n != 0 {
		t.Errorf("three writes after a read fetched the registry %d times, want 0", n)
	}
	snap, err := writer.Registry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"first", "a", "b", "c"} {
		if _, ok := snap.Records["tenant/"+name]; !ok {
			t.Errorf("the writer's cached registry misses tenant/%s", name)
		}
	}
	// Every caller shares the cached maps: a later write must not change
	// what an earlier caller holds.
	if _, err := writer.PutRecord(ctx, "tenant", "e", spec{Prefix: "e."}); err != nil {
		t.Fatal(err)
	}
	if _, ok := snap.Records["tenant/e"]; ok {
		t.Error("a write changed the registry snapshot an earlier caller holds")
	}
	if later, err := writer.Registry(ctx); err != nil {
		t.Fatal(err)
	} else if _, ok := later.Records["tenant/e"]; !ok {
		t.Error("the writer's cached registry misses tenant/e")
	}

	if _, err := other.PutRecord(ctx, "tenant", "theirs", spec{Prefix: "theirs."}); err != nil {
		t.Fatal(err)
	}
	taken()
	if _, err := writer.PutRecord(ctx, "tenant", "d", spec{Prefix: "d."}); err != nil {
		t.Fatal(err)
	}
	if n := taken(); n == 0 {
		t.Error("a write after another client's record did not read the registry")
	}
	if snap, err = writer.Registry(ctx); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"theirs", "d"} {
		if r, ok := snap.Records["tenant/"+name]; !ok || r.Offset >= snap.Next {
			t.Errorf("the writer's cached registry holds tenant/%s = %+v, %t (next %d)", name, r, ok, snap.Next)
		}
	}
}

// Fresh reads of the registry that arrive while one waits for others to
// join share it: one Fetch, and both see what was written before they
// asked.
func TestRegistryRefresh_sharesItsWindow(t *testing.T) {
	ctx := context.Background()
	c := startEmbedded(t)
	writer := registryClient(t, c, "")
	reader := registryClient(t, c, "")
	if _, err := reader.RefreshRegistry(ctx); err != nil {
		t.Fatal(err)
	}
	kafka.SetRegistryWindow(reader, time.Second)
	if _, err := writer.PutRecord(ctx, "tenant", "a", spec{Prefix: "a."}); err != nil {
		t.Fatal(err)
	}
	tally := tallyRequests(c.Fake)
	var wg sync.WaitGroup
	snaps := make([]kafka.RegistrySnapshot, 2)
	for i := range snaps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if snaps[i], err = reader.RefreshRegistry(ctx); err != nil {
				t.Error(err)
			}
		}()
		time.Sleep(20 * time.Millisecond) // the second arrives inside the first's window
	}
	wg.Wait()
	for i, snap := range snaps {
		if _, ok := snap.Of("tenant")["a"]; !ok {
			t.Errorf("refresh %d does not see the tenant written before it was called", i+1)
		}
	}
	if n := tally.get(kmsg.Fetch); n != 1 {
		t.Errorf("two refreshes a moment apart sent %d Fetch requests, want 1", n)
	}
}

// A fresh read of the registry fetches from where the last read found it,
// by topic ID, with no metadata request; a registry deleted or replaced
// since fails that fetch, and the read then finds it through metadata.
func TestRegistryRefreshFetchesByRoute(t *testing.T) {
	ctx := context.Background()
	c := startEmbedded(t)
	writer := registryClient(t, c, "")
	if _, err := writer.PutRecord(ctx, "tenant", "a", spec{Prefix: "a."}); err != nil {
		t.Fatal(err)
	}
	reader := registryClient(t, c, "")
	if _, err := reader.RefreshRegistry(ctx); err != nil {
		t.Fatal(err)
	}
	tally := tallyRequests(c.Fake)
	if _, err := writer.PutRecord(ctx, "tenant", "b", spec{Prefix: "b."}); err != nil {
		t.Fatal(err)
	}
	metaBefore := tally.get(kmsg.Metadata)
	snap, err := reader.RefreshRegistry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Of("tenant")) != 2 {
		t.Errorf("a refresh after another process wrote sees %d tenants, want 2", len(snap.Of("tenant")))
	}
	if n := tally.get(kmsg.Metadata) - metaBefore; n != 0 {
		t.Errorf("a refresh of a registry read before sent %d Metadata requests, want 0", n)
	}

	// Replaced: deleted and created again, with one record of its own.
	admin := registryClient(t, c, "")
	if err := admin.DeleteTopic(ctx, kafka.DefaultRegistryTopic); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.PutRecord(ctx, "tenant", "z", spec{Prefix: "z."}); err != nil {
		t.Fatal(err)
	}
	snap, err = reader.RefreshRegistry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := snap.Of("tenant"); len(got) != 1 || got["z"].Name != "z" {
		t.Errorf("after the registry was replaced a refresh sees tenants %v, want z alone", got)
	}

	// Deleted.
	if err := admin.DeleteTopic(ctx, kafka.DefaultRegistryTopic); err != nil {
		t.Fatal(err)
	}
	snap, err = reader.RefreshRegistry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Exists || len(snap.Records) != 0 {
		t.Errorf("after the registry was deleted a refresh finds it existing %t with %d records, want gone", snap.Exists, len(snap.Records))
	}
}
