package provider_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

func TestAccTopic_basic(t *testing.T) {
	name := acctest.Name("topic")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkTopicsDestroyed(t, name),
		Steps: []resource.TestStep{
			{
				Config: topicConfig(name, 3, `{ "retention.ms" = "3600000" }`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("kafkatenant_topic.test", "id", name),
					resource.TestCheckResourceAttr("kafkatenant_topic.test", "partitions", "3"),
					resource.TestCheckResourceAttr("kafkatenant_topic.test", "config.retention.ms", "3600000"),
					resource.TestCheckResourceAttrSet("kafkatenant_topic.test", "topic_id"),
					checkTopicOnCluster(t, name, 3, map[string]string{"retention.ms": "3600000"}),
				),
			},
			{
				ResourceName:      "kafkatenant_topic.test",
				ImportState:       true,
				ImportStateId:     name,
				ImportStateVerify: true,
			},
			{
				Config: topicConfig(name, 6, `{ "retention.ms" = "7200000", "cleanup.policy" = "compact" }`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("kafkatenant_topic.test", "partitions", "6"),
					resource.TestCheckResourceAttr("kafkatenant_topic.test", "config.cleanup.policy", "compact"),
					checkTopicOnCluster(t, name, 6, map[string]string{"retention.ms": "7200000", "cleanup.policy": "compact"}),
				),
			},
		},
	})
}

func topicConfig(name string, partitions int, config string) string {
	return fmt.Sprintf(`
resource "kafkatenant_topic" "test" {
  name       = %q
  partitions = %d
  config     = %s
}
`, name, partitions, config)
}

// checkTopicOnCluster asserts what the cluster itself reports.
func checkTopicOnCluster(t *testing.T, name string, partitions int32, configs map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		d, err := acctest.AdminClient(t).DescribeTopic(context.Background(), name)
		if err != nil {
			return err
		}
		if d.Partitions != partitions {
			return fmt.Errorf("topic %s has %d partitions on the cluster, want %d", name, d.Partitions, partitions)
		}
		for k, want := range configs {
			if got, ok := d.DynamicConfigs[k]; !ok || got != want {
				return fmt.Errorf("topic %s config %s on the cluster = %q (set: %t), want %q", name, k, got, ok, want)
			}
		}
		return nil
	}
}

func checkTopicsDestroyed(t *testing.T, names ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, name := range names {
			_, err := acctest.AdminClient(t).DescribeTopic(context.Background(), name)
			if err == nil {
				return fmt.Errorf("topic %s still exists after destroy", name)
			}
			if !errors.Is(err, kafka.ErrNotFound) {
				return err
			}
		}
		return nil
	}
}
