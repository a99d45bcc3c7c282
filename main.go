// Command terraform-provider-kafkatenant serves the kafkatenant Terraform
// provider over the plugin protocol.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

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

	provider.SilenceUnrequestedLogs()
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: registryAddress,
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
