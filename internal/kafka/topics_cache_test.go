package kafka

import (
	"context"
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// A process that loses a race to create a topic (the registry topic, when
// many resources prepare it at once) goes on to use it through kadm calls
// that read franz-go's metadata cache. The cache must not still hold the
// "unknown topic" answer from the existence check just before.
func TestCreateTopic_alreadyExistsRefreshesCachedMetadata(t *testing.T) {
	fake, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	c := NewClient(Config{BootstrapServers: fake.ListenAddrs(), Timeout: 3 * time.Second})
	defer c.Close()
	ctx := context.Background()

	if _, err := c.DescribeTopic(ctx, "registry"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("DescribeTopic before creation: got %v, want ErrNotFound", err)
	}
	other, err := kgo.NewClient(kgo.SeedBrokers(fake.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := kadm.NewClient(other).CreateTopic(ctx, 1, 1, nil, "registry"); err != nil {
		t.Fatalf("creating the topic out of band: %v", err)
	}
	if _, err := c.CreateTopic(ctx, TopicSpec{Name: "registry", Partitions: 1, ReplicationFactor: 1}); !errors.Is(err, ErrAlreadyExists) {
		t.Fatalf("CreateTopic of a topic created elsewhere: got %v, want ErrAlreadyExists", err)
	}

	adm, err := c.admin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ends, err := adm.ListEndOffsets(ctx, "registry")
	if err != nil {
		t.Fatalf("ListEndOffsets: %v", err)
	}
	if end, ok := ends.Lookup("registry", 0); !ok || end.Err != nil {
		t.Fatalf("ListEndOffsets right after ErrAlreadyExists found no partition 0 (ok=%v, err=%v): it read a stale cache", ok, end.Err)
	}
}

// The configs a CreateTopics answer reports are taken only from a version
// that carries them and a topic whose configs the broker could return, and
// only those set on the topic itself: Apache Kafka lists every config with
// its source, defaults included.
func TestCreatedConfigs(t *testing.T) {
	value := func(name, v string, source kmsg.ConfigSource) kmsg.CreateTopicsResponseTopicConfig {
		c := kmsg.NewCreateTopicsResponseTopicConfig()
		c.Name, c.Value, c.Source = name, kmsg.StringPtr(v), int8(source)
		return c
	}
	answer := kmsg.NewCreateTopicsResponseTopic()
	answer.Topic = "orders"
	answer.Configs = []kmsg.CreateTopicsResponseTopicConfig{
		value("retention.ms", "3600000", kmsg.ConfigSourceDynamicTopicConfig),
		value("cleanup.policy", "delete", kmsg.ConfigSourceDefaultConfig),
		value("segment.bytes", "1073741824", kmsg.ConfigSourceStaticBrokerConfig),
	}
	unsourced := answer
	unsourced.Configs = []kmsg.CreateTopicsResponseTopicConfig{value("retention.ms", "3600000", -1)}
	unreadable := answer
	unreadable.ConfigErrorCode = kerr.TopicAuthorizationFailed.Code

	for _, tc := range []struct {
		name    string
		version int16
		topic   kmsg.CreateTopicsResponseTopic
		want    map[string]string
		known   bool
	}{
		{"sources given", 5, answer, map[string]string{"retention.ms": "3600000"}, true},
		{"no sources", 7, unsourced, map[string]string{"retention.ms": "3600000"}, true},
		{"before version 5", 4, answer, nil, false},
		{"configs not readable", 5, unreadable, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, known := createdConfigs(tc.version, tc.topic)
			if known != tc.known || !maps.Equal(got, tc.want) {
				t.Errorf("createdConfigs = %v, %v; want %v, %v", got, known, tc.want, tc.known)
			}
		})
	}
}
