// Command tfcli prints the absolute path of a Terraform-compatible CLI,
// building OpenTofu into the cache when none is installed. The Makefile's
// demo, bench and testacc-identity targets use it so they run on a machine
// without Terraform.
//
//	go run ./internal/cmd/tfcli                      # any CLI (see tfcli.Resolve)
//	go run ./internal/cmd/tfcli -min-version 1.12.0  # one at least that recent (see tfcli.ResolveAtLeast)
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tfcli"
)

func main() {
	minimum := flag.String("min-version", "", "the oldest acceptable CLI version, such as 1.12.0; OpenTofu "+tfcli.OpenTofuVersion+" is built when no installed CLI is that recent")
	flag.Parse()
	progress := func(msg string) { fmt.Fprintln(os.Stderr, msg) }
	var (
		cli tfcli.CLI
		err error
	)
	if *minimum != "" {
		cli, err = tfcli.ResolveAtLeast(context.Background(), *minimum, progress)
	} else {
		cli, err = tfcli.Resolve(context.Background(), progress)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tfcli:", err)
		os.Exit(1)
	}
	fmt.Println(cli.Path)
}
