package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
)

// planErrorSteps returns one plan-only step per configuration, each of
// which must fail with an error matching its pattern.
func planErrorSteps(cases map[string]string) []resource.TestStep {
	steps := make([]resource.TestStep, 0, len(cases))
	for config, pattern := range cases {
		steps = append(steps, resource.TestStep{Config: config, PlanOnly: true, ExpectError: expectError(pattern)})
	}
	return steps
}

// A timeout outside what franz-go accepts is refused by validate, with the
// range, instead of failing at plan with the library's own message.
func TestAccProvider_timeoutOutOfRange(t *testing.T) {
	block := func(timeout string) string {
		return `
provider "kafkatenant" {
  bootstrap_servers = ["127.0.0.1:1"]
  timeout           = "` + timeout + `"
}
` + oneTopic(acctest.Name("timeout"))
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: planErrorSteps(map[string]string{
			block("20m"):      `Invalid Duration.*The value "20m" is outside the range the Kafka client accepts: use a duration from 1s to 15m`,
			block("50ms"):     `Invalid Duration.*The value "50ms" is outside the range the Kafka client accepts: use a duration from 1s to 15m`,
			block("1000000h"): `Invalid Duration.*The value "1000000h" is outside the range`,
		}),
	})
}
