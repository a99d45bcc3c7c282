package provider_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// expectError compiles an ExpectError pattern in which every space matches
// any run of white space, because Terraform wraps diagnostic text at
// arbitrary points. The pattern spans lines ((?s) is implied).
func expectError(pattern string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + strings.ReplaceAll(pattern, " ", `\s+`))
}

// requiredProviders declares the provider for configurations run by the
// real CLI in a workspace of their own.
const requiredProviders = `
terraform {
  required_providers {
    kafkatenant = { source = "kafkatenant/kafkatenant" }
  }
}
`

// ourWarnings returns the summaries of the warnings in CLI output other
// than Terraform's own notice that development overrides are in effect.
func ourWarnings(out string) []string {
	var found []string
	for _, line := range strings.Split(out, "\n") {
		summary, ok := strings.CutPrefix(strings.TrimLeft(line, "│ "), "Warning: ")
		if ok && !strings.HasPrefix(summary, "Provider development overrides are in effect") {
			found = append(found, summary)
		}
	}
	return found
}

// checkNow runs state-free checks of the cluster, as tests driving the
// CLI themselves do after a command, reporting each failure.
func checkNow(t *testing.T, checks ...resource.TestCheckFunc) {
	t.Helper()
	for _, check := range checks {
		if err := check(&terraform.State{}); err != nil {
			t.Error(err)
		}
	}
}
