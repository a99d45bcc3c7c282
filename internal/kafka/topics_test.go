package kafka_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// requestTally counts the requests a kfake cluster receives, by key.
type requestTally struct {
	mu     sync.Mutex
	counts map[int16]int
}

func (r *requestTally) get(key kmsg.Key) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.counts[int16(key)]
}

func (r *requestTally) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counts = make(map[int16]int)
}

// tallyingCluster starts a one-broker cluster without SASL or TLS and a
// client for it, and counts every request the broker receives without
// changing how it answers.
func tallyingCluster(t *testing.T) (*kfake.Cluster, *kafka.Client, *requestTally) {
	t.Helper()
	fake, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	tally := tallyRequests(fake)
	c := kafka.NewClient(kafka.Config{BootstrapServers: fake.ListenAddrs(), Timeout: testTimeout})
	t.Cleanup(c.Close)
	return fake, c, tally
}

// tallyRequests counts every request fake receives from now on, by key,
// without changing how it answers.
func tallyRequests(fake *kfake.Cluster) *requestTally {
	tally := &requestTally{counts: make(map[int16]int)}
	fake.Control(func(req kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		tally.mu.Lock()
		tally.counts[req.Key()]++
		tally.mu.Unlock()
		return nil, nil, false
	})
	return tally
}

// outOfBandClient returns a plain franz-go client of fake, for changes
// made by another process.
func outOfBandClient(t *testing.T, fake *kfake.Cluster) *kgo.Client {
	t.Helper()
	other, err := kgo.NewClient(kgo.SeedBrokers(fake.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(other.Close)
	return other
}

// A topic found missing and then created, by this client or anyone else,
// must be visible to the next describe: franz-go's metadata cache
// remembers "unknown topic" answers, and a describe served from it would
// report the new topic missing for MetadataMinAge.
func TestDescribeTopic_seesTopicCreatedRightAfterMissing(t *testing.T) {
	fake, c, _ := tallyingCluster(t)
	ctx := context.Background()
	if _, err := c.DescribeTopic(ctx, "orders"); !errors.Is(err, kafka.ErrNotFound) {
		t.Fatalf("DescribeTopic before creation: got %v, want ErrNotFound", err)
	}

	other := outOfBandClient(t, fake)
	if _, err := kadm.NewClient(other).CreateTopic(ctx, 3, 1, nil, "orders"); err != nil {
		t.Fatalf("creating the topic out of band: %v", err)
	}

	d, err := c.DescribeTopic(ctx, "orders")
	if err != nil {
		t.Fatalf("DescribeTopic right after creation: %v", err)
	}
	if d.Partitions != 3 {
		t.Errorf("Partitions = %d, want 3", d.Partitions)
	}
}

// CreateTopic waits for the new topic to appear; after a plan-time
// existence check it must not poll a stale cache until it expires.
func TestCreateTopic_describesTheNewTopicOnce(t *testing.T) {
	_, c, tally := tallyingCluster(t)
	ctx := context.Background()
	// franz-go finds the controller with a metadata request of its own
	// before the client's first CreateTopics: not counted here.
	if _, err := c.CreateTopic(ctx, kafka.TopicSpec{Name: "warm-up", Partitions: 1, ReplicationFactor: 1}); err != nil {
		t.Fatalf("CreateTopic: %v", err)
	}
	if _, err := c.DescribeTopic(ctx, "payments"); !errors.Is(err, kafka.ErrNotFound) {
		t.Fatalf("DescribeTopic before creation: got %v, want ErrNotFound", err)
	}

	tally.reset()
	d, err := c.CreateTopic(ctx, kafka.TopicSpec{
		Name:              "payments",
		Partitions:        2,
		ReplicationFactor: 1,
		Configs:           map[string]string{"retention.ms": "3600000"},
	})
	if err != nil {
		t.Fatalf("CreateTopic: %v", err)
	}
	if d.Partitions != 2 || d.DynamicConfigs["retention.ms"] != "3600000" {
		t.Errorf("CreateTopic returned %d partitions and configs %v, want 2 and retention.ms=3600000", d.Partitions, d.DynamicConfigs)
	}
	if n := tally.get(kmsg.Metadata); n != 1 {
		t.Errorf("CreateTopic sent %d Metadata requests, want 1: it polled for a topic the cluster already had", n)
	}
	if n := tally.get(kmsg.DescribeConfigs); n != 0 {
		t.Errorf("CreateTopic sent %d DescribeConfigs requests, want 0: the CreateTopics answer holds the configs", n)
	}
	if n := tally.get(kmsg.CreateTopics); n != 1 {
		t.Errorf("CreateTopic sent %d CreateTopics requests, want 1", n)
	}
}

// Metadata and configs are asked for at once, so a topic created between
// the two answers is in one only. That is a topic not there yet, not an
// error.
func TestDescribeTopic_createdBetweenMetadataAndConfigs(t *testing.T) {
	fake, c, _ := tallyingCluster(t)
	ctx := context.Background()
	if _, err := c.CreateTopic(ctx, kafka.TopicSpec{Name: "audit", Partitions: 1, ReplicationFactor: 1}); err != nil {
		t.Fatal(err)
	}
	// Answer the next DescribeConfigs as a broker that has not seen the
	// topic yet would.
	fake.ControlKey(int16(kmsg.DescribeConfigs), func(req kmsg.Request) (kmsg.Response, error, bool) {
		dreq := req.(*kmsg.DescribeConfigsRequest)
		resp := dreq.ResponseKind().(*kmsg.DescribeConfigsResponse)
		for _, r := range dreq.Resources {
			rr := kmsg.NewDescribeConfigsResponseResource()
			rr.ResourceType, rr.ResourceName = r.ResourceType, r.ResourceName
			rr.ErrorCode = kerr.UnknownTopicOrPartition.Code
			resp.Resources = append(resp.Resources, rr)
		}
		return resp, nil, true
	})
	if _, err := c.DescribeTopic(ctx, "audit"); !errors.Is(err, kafka.ErrNotFound) {
		t.Fatalf("DescribeTopic with configs answered before creation: got %v, want ErrNotFound", err)
	}
	if _, err := c.DescribeTopic(ctx, "audit"); err != nil {
		t.Fatalf("DescribeTopic once both answers agree: %v", err)
	}
}

// A controller may create a topic and answer REQUEST_TIMED_OUT all the
// same. CreateTopic asks again, and the topic, created once, comes back as
// already existing for the caller to recognise as its own.
func TestCreateTopic_retriesAnAnswerLostAfterCreating(t *testing.T) {
	fake, c, tally := tallyingCluster(t)
	fake.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.CreateTopics}, Topic: "lost", Err: kerr.RequestTimedOut})
	_, err := c.CreateTopic(context.Background(), kafka.TopicSpec{Name: "lost", Partitions: 2, ReplicationFactor: 1})
	if !errors.Is(err, kafka.ErrAlreadyExists) {
		t.Fatalf("CreateTopic after a timed-out answer: got %v, want ErrAlreadyExists from the second attempt", err)
	}
	if n := tally.get(kmsg.CreateTopics); n != 2 {
		t.Errorf("CreateTopic sent %d CreateTopics requests, want the timed-out one and one more", n)
	}
	d, err := c.DescribeTopic(context.Background(), "lost")
	if err != nil || d.Partitions != 2 {
		t.Errorf("the topic after the retry: %+v, %v", d, err)
	}
}

// CreateACLs is idempotent, so an answer lost to REQUEST_TIMED_OUT is
// simply asked again.
func TestCreateACLs_retriesTimedOut(t *testing.T) {
	fake, c, tally := tallyingCluster(t)
	fake.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.CreateACLs}, Err: kerr.RequestTimedOut})
	acl := kafka.ACL{Principal: "User:x", Host: "*", ResourceType: "TOPIC", ResourceName: "x.", PatternType: "PREFIXED", Operation: "READ", Permission: "ALLOW"}
	if err := c.CreateACLs(context.Background(), []kafka.ACL{acl}); err != nil {
		t.Fatalf("CreateACLs after a timed-out answer: %v", err)
	}
	if n := tally.get(kmsg.CreateACLs); n != 2 {
		t.Errorf("CreateACLs sent %d requests, want the timed-out one and one more", n)
	}
}
