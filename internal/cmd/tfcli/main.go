// Command tfcli prints the absolute path of a Terraform-compatible CLI,
// building OpenTofu into the cache when none is installed. The Makefile's
// demo and bench targets use it so they run on a machine without
// Terraform.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tfcli"
)

func main() {
	cli, err := tfcli.Resolve(context.Background(), func(msg string) { fmt.Fprintln(os.Stderr, msg) })
	if err != nil {
		fmt.Fprintln(os.Stderr, "tfcli:", err)
		os.Exit(1)
	}
	fmt.Println(cli.Path)
}
