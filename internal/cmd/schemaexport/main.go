// Command schemaexport prints the provider's schema in the JSON format of
// `terraform providers schema -json`, built from the provider in this
// repository rather than from an installed binary, so that `make docs` can
// run tfplugindocs offline with --providers-schema.
//
// Everything the provider registers (resources, data sources, ephemeral
// resources, functions, list resources, actions and resource identities)
// is read through the plugin protocol, so new types appear without
// changes here.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/provider"
)

// providerSource is the key Terraform uses for this provider in its schema
// output.
const providerSource = "registry.terraform.io/kafkatenant/kafkatenant"

func main() {
	var (
		out = flag.String("out", "", "write the schema to this file instead of standard output")
		// tfplugindocs finds a schema in a --providers-schema file only
		// under the provider's short name or a registry.terraform.io/hashicorp/
		// address, so `make docs` exports under "kafkatenant".
		address = flag.String("address", providerSource, "the key of the provider's schema in the output")
	)
	flag.Parse()
	if err := run(context.Background(), *out, *address); err != nil {
		fmt.Fprintln(os.Stderr, "schemaexport:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out, address string) error {
	server := providerserver.NewProtocol6(provider.New("docs")())()
	schemas, err := exportSchemas(ctx, server, address)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(schemas, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the schema: %w", err)
	}
	data = append(data, '\n')
	if out == "" {
		_, err = os.Stdout.Write(data)
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(out, data, 0o644) //nolint:gosec // a generated schema, meant to be read by other tools
}
