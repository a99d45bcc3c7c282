package kafka_test

import (
	"context"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// The keys come from the brokers, vendor keys included, and are asked
// for once per Client.
func TestTopicConfigKeys(t *testing.T) {
	fake, c, tally := tallyingCluster(t)
	ctx := context.Background()
	keys, err := c.TopicConfigKeys(ctx)
	if err != nil || keys != nil {
		t.Fatalf("TopicConfigKeys of a cluster without topics = %v, %v; want nil, nil", keys, err)
	}

	// kfake lists the topic configs it knows plus whatever a topic has set,
	// which stands in for a vendor broker listing its own keys.
	if err := fake.CreateTopic("orders", 1, map[string]string{"confluent.tier.enable": "true"}); err != nil {
		t.Fatal(err)
	}
	fresh := kafka.NewClient(c.Config())
	t.Cleanup(fresh.Close)
	keys, err = fresh.TopicConfigKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"retention.ms", "cleanup.policy", "confluent.tier.enable"} {
		if !keys[k] {
			t.Errorf("TopicConfigKeys lacks %q: %v", k, keys)
		}
	}

	tally.reset()
	again, err := fresh.TopicConfigKeys(ctx)
	if err != nil || len(again) != len(keys) {
		t.Fatalf("second TopicConfigKeys = %v, %v", again, err)
	}
	if n := tally.get(kmsg.DescribeConfigs); n != 0 {
		t.Errorf("a second TopicConfigKeys sent %d DescribeConfigs; the keys must be cached per Client", n)
	}
}
