package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// requiredProviders is the terraform block of every provider workdir. The
// dev_overrides in the CLI configuration resolve the source to the freshly
// built binary.
const requiredProviders = `terraform {
  required_providers {
    kafkatenant = {
      source = "kafkatenant/kafkatenant"
    }
  }
}
`

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
