package kafka_test

import (
	"context"
	"testing"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

func TestQuotas(t *testing.T) {
	ctx := context.Background()
	c := registryClient(t, startEmbedded(t), "")
	alice := []kafka.QuotaComponent{{Type: "user", Name: "alice"}}
	carve := []kafka.QuotaComponent{{Type: "user", Name: "alice"}, {Type: "client-id", Name: "batch"}}
	defaults := []kafka.QuotaComponent{{Type: "user", Default: true}}
	ip := []kafka.QuotaComponent{{Type: "ip", Name: "10.0.0.1"}}

	for _, q := range []struct {
		e []kafka.QuotaComponent
		v map[string]float64
	}{
		{alice, map[string]float64{"producer_byte_rate": 1000, "consumer_byte_rate": 2000}},
		{carve, map[string]float64{"producer_byte_rate": 300}},
		{defaults, map[string]float64{"request_percentage": 25}},
		{ip, map[string]float64{"connection_creation_rate": 5}},
	} {
		if err := c.AlterQuota(ctx, q.e, q.v, nil, false); err != nil {
			t.Fatal(err)
		}
	}
	all, err := c.DescribeQuotas(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]float64{}
	for _, q := range all {
		got[kafka.EntityKey(q.Entity)] = q.Values
	}
	if len(got) != 4 || got["user=alice"]["consumer_byte_rate"] != 2000 || got["client-id=batch,user=alice"]["producer_byte_rate"] != 300 ||
		got["user=<default>"]["request_percentage"] != 25 || got["ip=10.0.0.1"]["connection_creation_rate"] != 5 {
		t.Fatalf("DescribeQuotas = %v", got)
	}

	// Exact lookups do not mix alice's own quota with her carve-out.
	v, err := c.DescribeQuota(ctx, alice)
	if err != nil || len(v) != 2 || v["producer_byte_rate"] != 1000 {
		t.Fatalf("DescribeQuota(alice) = %v, %v", v, err)
	}
	if v, _ := c.DescribeQuota(ctx, defaults); v["request_percentage"] != 25 {
		t.Fatalf("DescribeQuota(<default>) = %v", v)
	}

	// Removing one key leaves the other; validate-only changes nothing.
	if err := c.AlterQuota(ctx, alice, nil, []string{"consumer_byte_rate"}, false); err != nil {
		t.Fatal(err)
	}
	if err := c.AlterQuota(ctx, alice, map[string]float64{"producer_byte_rate": 9}, nil, true); err != nil {
		t.Fatal(err)
	}
	if v, _ := c.DescribeQuota(ctx, alice); len(v) != 1 || v["producer_byte_rate"] != 1000 {
		t.Fatalf("after removing a key and a validate-only alter, alice = %v", v)
	}
	if v, _ := c.DescribeQuota(ctx, []kafka.QuotaComponent{{Type: "user", Name: "nobody"}}); len(v) != 0 {
		t.Fatalf("an entity without quotas described as %v", v)
	}
}
