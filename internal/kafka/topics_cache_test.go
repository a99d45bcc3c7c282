package kafka

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
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
