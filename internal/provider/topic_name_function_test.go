package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
)

func TestAccFunction_topicName(t *testing.T) {
	call := func(prefix, name string) string {
		return `output "name" { value = provider::kafkatenant::topic_name("` + prefix + `", "` + name + `") }`
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: call("london.payments.", "orders"), Check: resource.TestCheckOutput("name", "london.payments.orders")},
			{Config: call("london.payments.", ""), ExpectError: expectError(`local topic name is empty`)},
			{Config: call("london.payments.", ".orders"), ExpectError: expectError(`starts with "\.": start it with a letter or digit`)},
			{Config: call("london.payments.", "orders/eu"), ExpectError: expectError(`"london.payments.orders/eu" is not a legal Kafka topic name.*'/'`)},
		},
	})
}
