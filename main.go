// Command terraform-provider-kafkatenant serves the kafkatenant Terraform
// provider over the plugin protocol.
package main

import (
	"flag"
	"log"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/provider"
)

// version is set by the release build (goreleaser ldflags).
var version = "dev"

// registryAddress is where the provider is published.
const registryAddress = "registry.terraform.io/kafkatenant/kafkatenant"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run with support for debuggers like delve")
	flag.Parse()

	if err := provider.Serve(registryAddress, version, debug); err != nil {
		log.Fatal(err)
	}
}
