package main

import "fmt"

// The topics-only workload: N kafkatenant_topic resources without tenants,
// the provider's cheapest resource at scale.
var topicsWorkload = workload{
	name:         "topics",
	title:        "kafkatenant_topic vs terraform_data",
	sizeFlag:     "n",
	sizeLabel:    "N",
	defaultSizes: "100,1000",
	sizeUsage:    "comma-separated resource counts for the topics workload",
	resources:    func(n int) int { return n },
	provider:     topicsProviderConfig,
	floor:        topicsFloorConfig,
	phases:       []phase{applyPhase, plans(1), destroyPhase},
	expect:       topicsInventory,
}

// topicNameFormat names the topics workload's topics.
const topicNameFormat = benchPrefix + "%05d"

// topicNames is the Terraform expression both workdirs iterate over, so the
// provider and the floor plan exactly the same set of keys.
func topicNames(n int) string {
	return fmt.Sprintf("toset([for i in range(%d) : format(%q, i)])", n, topicNameFormat)
}

// topicsProviderConfig declares n kafkatenant_topic resources. The
// connection comes from the KAFKATENANT_* variables, as in a Terraform
// Cloud workspace. replication_factor is set, as most real configurations
// do, so that the plan-time broker-count check is part of what is measured.
func topicsProviderConfig(n int) string {
	return fmt.Sprintf(`%s
provider "kafkatenant" {}

resource "kafkatenant_topic" "bench" {
  for_each = %s

  name               = each.key
  partitions         = 1
  replication_factor = 3
  config = {
    "retention.ms" = "3600000"
  }
}
`, requiredProviders, topicNames(n))
}

// topicsFloorConfig declares n terraform_data resources with the same keys
// and a comparable input: Terraform's own cost per resource, with no
// provider process and no network.
func topicsFloorConfig(n int) string {
	return fmt.Sprintf(`resource "terraform_data" "bench" {
  for_each = %s

  input = {
    name         = each.key
    partitions   = 1
    retention_ms = "3600000"
  }
}
`, topicNames(n))
}

// topicsInventory is what the cluster holds once n topics are applied.
func topicsInventory(n int, applied bool) inventory {
	inv := inventory{}
	if applied {
		for i := range n {
			inv.add(kindTopic, fmt.Sprintf(topicNameFormat, i))
		}
	}
	return inv
}
