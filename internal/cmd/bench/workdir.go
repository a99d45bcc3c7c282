package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// topicPrefix starts every topic the benchmark creates, so that leftovers
// on a cluster are recognisable and can be swept.
const topicPrefix = "ktbench-"

// topicNames is the Terraform expression both workdirs iterate over, so the
// provider and the floor plan exactly the same set of keys.
func topicNames(n int) string {
	return fmt.Sprintf("toset([for i in range(%d) : format(\"%s%%05d\", i)])", n, topicPrefix)
}

// providerConfig declares n kafkatenant_topic resources. The connection
// comes from the KAFKATENANT_* variables, as in a Terraform Cloud
// workspace. replication_factor is set, as most real configurations do, so
// that the plan-time broker-count check is part of what is measured.
func providerConfig(n int) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    kafkatenant = {
      source = "kafkatenant/kafkatenant"
    }
  }
}

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
`, topicNames(n))
}

// floorConfig declares n terraform_data resources with the same keys and a
// comparable input: Terraform's own cost per resource, with no provider
// process and no network.
func floorConfig(n int) string {
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

// writeWorkdir creates dir holding main.tf with the given configuration.
func writeWorkdir(dir, config string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644)
}

// devOverrides is the CLI configuration that points both registries'
// addresses of the provider at the freshly built binary, so that no init or
// registry is needed.
func devOverrides(binDir string) string {
	return fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/kafkatenant/kafkatenant" = %q
    "registry.opentofu.org/kafkatenant/kafkatenant" = %q
  }
  direct {}
}
`, binDir, binDir)
}
