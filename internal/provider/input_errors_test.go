package provider_test

import (
	"fmt"
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

// Fractions and values out of range, on representative whole-number
// attributes of every resource and of the provider's capacity, are refused
// at validate with an error naming the attribute, the value and the range,
// never the framework's "Configuration Read Error". Nothing needs the
// cluster: the provider points nowhere.
func TestAccNumbers_wholeNumbersOutOfRange(t *testing.T) {
	nowhere := `
provider "kafkatenant" {
  bootstrap_servers = ["127.0.0.1:1"]
  timeout           = "3s"
}
`
	resourceWith := func(typ, body string) string {
		return nowhere + fmt.Sprintf("resource %q \"test\" {\n%s\n}\n", typ, body)
	}
	quota := func(body string) string { return resourceWith("kafkatenant_quota", `user = "ktacc-numbers"`+"\n"+body) }
	topic := func(body string) string { return resourceWith("kafkatenant_topic", `name = "ktacc-numbers"`+"\n"+body) }
	tenant := func(body string) string {
		return resourceWith("kafkatenant_tenant", `name = "ktacc-numbers"`+"\n"+body)
	}
	vc := func(body string) string {
		return resourceWith("kafkatenant_virtual_cluster", `name = "ktacc-numbers"`+"\n"+body)
	}
	capacity := func(body string) string {
		return `
provider "kafkatenant" {
  bootstrap_servers = ["127.0.0.1:1"]
  capacity = {
` + body + `
  }
}
` + oneTopic(acctest.Name("numbers"))
	}
	const whole = `Invalid Whole Number.*`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: planErrorSteps(map[string]string{
			quota(`producer_byte_rate = 1000.5`): whole + `producer_byte_rate = 1000.5 is not a whole number; use a whole number from 1 to 1000000000000000`,
			quota(`consumer_byte_rate = 1e30`):   whole + `consumer_byte_rate = 1e\+30 is out of range; use a whole number from 1 to 1000000000000000`,
			quota(`request_percentage = 1e30`):   `Number Out of Range.*request_percentage = 1e\+30 is out of range; use a number greater than 0 and at most 2000000`,
			resourceWith("kafkatenant_quota", `ip = "10.0.0.1"`+"\n"+`connection_creation_rate = 2147483648`): whole + `connection_creation_rate = 2147483648 is out of range; use a whole number from 1 to 2147483647`,
			topic(`partitions = 1e30`):                        whole + `partitions = 1e\+30 is out of range; use a whole number from 1 to 2147483647`,
			topic("partitions = 3\nreplication_factor = 2.5"): whole + `replication_factor = 2.5 is not a whole number; use a whole number from 1 to 32767`,
			tenant(`budgets = { max_topics = 1.5 }`):          whole + `budgets.max_topics = 1.5 is not a whole number; use a whole number from 1 to 2147483647`,
			tenant(`credentials = {` + "\n" + `password_wo = "a-long-password"` + "\n" + `password_wo_version = 1` + "\n" + `iterations = 4096.5` + "\n}"): whole +
				`credentials.iterations = 4096.5 is not a whole number; use a whole number from 4096 to 16384`,
			vc(`capacity = { partitions = 1e30 }`):        whole + `capacity.partitions = 1e\+30 is out of range; use a whole number from 1 to 10000000`,
			vc(`capacity = { producer_byte_rate = 0.5 }`): whole + `capacity.producer_byte_rate = 0.5 is not a whole number`,
			capacity("io_threads = 9000000000000000000\nnetwork_threads = 9000000000000000000"): whole +
				`capacity.io_threads = 9000000000000000000 is out of range; use a whole number from 1 to 10000`,
			capacity(`partitions_per_broker = 1e30`):         whole + `capacity.partitions_per_broker = 1e\+30 is out of range; use a whole number from 1 to 10000000`,
			capacity(`disk_write_bytes_per_second = 1000.5`): whole + `capacity.disk_write_bytes_per_second = 1000.5 is not a whole number`,
			capacity(`oversubscription = 1e30`):              `Number Out of Range.*capacity.oversubscription = 1e\+30 is out of range; use a number from 1 to 100`,
		}),
	})
}

// With oversubscription 3 the quotas together may promise three times the
// brokers' threads, but no single quota may use more threads than one broker
// runs: 1101% is refused when the threads give 1100%.
func TestAccQuota_requestPercentageAboveOneBroker(t *testing.T) {
	provider := `
provider "kafkatenant" {
  capacity = {
    io_threads       = 5
    network_threads  = 6
    oversubscription = 3
  }
}
`
	quota := func(percentage string) string {
		return provider + fmt.Sprintf(`
resource "kafkatenant_quota" "test" {
  user               = %q
  request_percentage = %s
}
`, acctest.Name("threads"), percentage)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:   quota("1101"),
			PlanOnly: true,
			ExpectError: expectError(`Quota Exceeds One Broker.*request_percentage = 1101% for user=ktacc-.* is more than one broker has: ` +
				`\(io threads 5 \+ network threads 6\) × 100% = 1100%.*whatever the oversubscription; set request_percentage to at most 1100`),
		}},
	})
}

// Importing a virtual cluster or tenant under a name no such object can have
// is refused with the naming rule, not Terraform's generic "Cannot import
// non-existent remote object".
func TestAccImport_invalidNames(t *testing.T) {
	steps := make([]resource.TestStep, 0, 2)
	for typ, kind := range map[string]string{"kafkatenant_virtual_cluster": "virtual cluster", "kafkatenant_tenant": "tenant"} {
		steps = append(steps, resource.TestStep{
			Config:        fmt.Sprintf("resource %q \"test\" {\n  name = %q\n}\n", typ, acctest.Name("import")),
			ResourceName:  typ + ".test",
			ImportState:   true,
			ImportStateId: "bad name!",
			ExpectError: expectError(`Invalid Import ID.*The import ID "bad name!" is not a ` + kind + ` name: it must be 1 to 64 characters from ` +
				`a-z, A-Z, 0-9, '_' and '-', starting with a letter or digit`),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    steps,
	})
}
