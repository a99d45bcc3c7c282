package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
)

// TestAccVirtualCluster_envelope adds up the envelopes of every virtual
// cluster on the cluster, so it runs on a cluster of its own.
func TestAccVirtualCluster_envelope(t *testing.T) {
	london, paris, tenant := acctest.Name("london"), acctest.Name("paris"), acctest.Name("t")
	provider, _ := ownCapacityCluster(t)
	config := func(londonProducer, parisProducer, quota int) string {
		cfg := provider + fmt.Sprintf(`
resource "kafkatenant_virtual_cluster" "london" {
  name     = %q
  capacity = { producer_byte_rate = %d, partitions = 100 }
}

resource "kafkatenant_tenant" "t" {
  name            = %q
  virtual_cluster = kafkatenant_virtual_cluster.london.name
}
`, london, londonProducer, tenant)
		if parisProducer > 0 {
			cfg += fmt.Sprintf(`
resource "kafkatenant_virtual_cluster" "paris" {
  name     = %q
  capacity = { producer_byte_rate = %d }
}
`, paris, parisProducer)
		}
		if quota > 0 {
			cfg += quotaFor("q", "kafkatenant_tenant.t.name", quota)
		}
		return cfg
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(10000000, 0, 6000000)},
			{
				// The allocation shows on the next refresh.
				RefreshState: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("kafkatenant_virtual_cluster.london", "allocated.producer_byte_rate", "6000000"),
					resource.TestCheckResourceAttr("kafkatenant_virtual_cluster.london", "free.producer_byte_rate", "4000000"),
					resource.TestCheckResourceAttr("kafkatenant_virtual_cluster.london", "allocated.partitions", "0"),
				),
			},
			{
				Config:      config(10000000, 0, 15000000),
				ExpectError: expectError(`Quota Exceeds Virtual Cluster Envelope.*producer_byte_rate.*` + london),
			},
			{
				Config:      config(5000000, 0, 6000000),
				ExpectError: expectError(`Envelope Below What Tenants Hold.*producer_byte_rate envelope of virtual cluster "` + london + `" would be 5 MB/s`),
			},
			{
				// 10 + 75 MB/s of envelopes against 80 MB/s usable.
				Config:      config(10000000, 75000000, 6000000),
				ExpectError: expectError(`Envelopes Exceed Declared Capacity.*producer_byte_rate.*envelopes add up to 85 MB/s`),
			},
			{Config: config(10000000, 70000000, 6000000)},
		},
	})
}

// TestAccTopic_partitionCapacity checks a virtual cluster's partition
// envelope, which only its own topics count, and a declared capacity far
// below what any cluster already holds (one partition per broker) or far
// above what the tests hold (4000), so it runs beside other tests.
func TestAccTopic_partitionCapacity(t *testing.T) {
	vc, tenant := acctest.Name("vc"), acctest.Name("t")
	config := func(partitions int) string {
		return fmt.Sprintf(`
provider "kafkatenant" {
  capacity = { partitions_per_broker = 4000 }
}

resource "kafkatenant_virtual_cluster" "vc" {
  name     = %[1]q
  capacity = { partitions = 4 }
}

resource "kafkatenant_tenant" "t" {
  name            = %[2]q
  virtual_cluster = kafkatenant_virtual_cluster.vc.name
}

resource "kafkatenant_topic" "t" {
  name               = "%[1]s.%[2]s.events"
  tenant             = kafkatenant_tenant.t.name
  partitions         = %[3]d
  replication_factor = 3
}
`, vc, tenant, partitions)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			// 4 partitions × RF 3 = 12 replicas = 4 per broker on 3 brokers.
			{Config: config(4)},
			{
				Config:      config(5),
				ExpectError: expectError(`Partitions Exceed Virtual Cluster Envelope.*` + vc),
			},
			{
				Config: `
provider "kafkatenant" {
  capacity = { partitions_per_broker = 1 }
}

resource "kafkatenant_topic" "big" {
  name       = "` + acctest.Name("big") + `"
  partitions = 100
}
`,
				ExpectError: expectError(`Partitions Exceed Declared Capacity.*partitions_per_broker 1 × broker_count 3`),
			},
		},
	})
}
