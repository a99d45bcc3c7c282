package provider_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

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

func TestAccTopic_disappears(t *testing.T) {
	name := acctest.Name("topic")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkTopicsDestroyed(t, name),
		Steps: []resource.TestStep{
			{
				Config: topicConfig(name, 2, "null"),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTopicOnCluster(t, name, 2, nil),
					deleteTopicOutOfBand(t, name),
				),
				// The refresh after apply finds the topic gone and plans
				// to create it again.
				ExpectNonEmptyPlan: true,
			},
			{
				Config: topicConfig(name, 2, "null"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("kafkatenant_topic.test", plancheck.ResourceActionCreate),
					},
				},
				Check: checkTopicOnCluster(t, name, 2, nil),
			},
		},
	})
}

func TestAccTopic_drift(t *testing.T) {
	name := acctest.Name("topic")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkTopicsDestroyed(t, name),
		Steps: []resource.TestStep{
			{
				Config: topicConfig(name, 1, `{ "retention.ms" = "3600000", "cleanup.policy" = "delete" }`),
				Check:  checkTopicOnCluster(t, name, 1, map[string]string{"retention.ms": "3600000"}),
			},
			{
				// Someone changes a managed key, resets another and sets an
				// unmanaged one by hand.
				PreConfig: func() {
					alterTopicOutOfBand(t, name, map[string]string{"retention.ms": "60000", "max.message.bytes": "2000000"}, []string{"cleanup.policy"})
				},
				Config: topicConfig(name, 1, `{ "retention.ms" = "3600000", "cleanup.policy" = "delete" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("kafkatenant_topic.test", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("kafkatenant_topic.test", tfjsonpath.New("config"),
							knownvalue.MapExact(map[string]knownvalue.Check{
								"retention.ms":   knownvalue.StringExact("3600000"),
								"cleanup.policy": knownvalue.StringExact("delete"),
							})),
					},
				},
				// The repair restores the managed keys and leaves the
				// hand-set key alone.
				Check: checkTopicOnCluster(t, name, 1, map[string]string{
					"retention.ms": "3600000", "cleanup.policy": "delete", "max.message.bytes": "2000000",
				}),
			},
			{
				// Removing a key from config resets it to the broker
				// default; the hand-set key still survives.
				Config: topicConfig(name, 1, `{ "cleanup.policy" = "delete" }`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr("kafkatenant_topic.test", "config.retention.ms"),
					checkTopicOnCluster(t, name, 1, map[string]string{"cleanup.policy": "delete", "max.message.bytes": "2000000"}),
					checkTopicConfigUnset(t, name, "retention.ms"),
				),
			},
		},
	})
}

func TestAccTopic_partitionDecrease(t *testing.T) {
	name := acctest.Name("topic")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkTopicsDestroyed(t, name),
		Steps: []resource.TestStep{
			{Config: topicConfig(name, 4, "null")},
			{
				Config:      topicConfig(name, 2, "null"),
				ExpectError: expectError(`Partition Count Cannot Decrease.*has 4 partitions and the configuration asks for 2.*terraform destroy -target`),
			},
			{
				// Nothing was touched by the refused plan.
				Config:   topicConfig(name, 4, "null"),
				PlanOnly: true,
				Check:    checkTopicOnCluster(t, name, 4, nil),
			},
		},
	})
}

func TestAccTopic_invalidConfig(t *testing.T) {
	name := acctest.Name("topic")
	cases := []struct {
		config string
		want   string
	}{
		{`{ "retention.mss" = "1000" }`, `(?s)Unknown Topic Config.*"retention.mss".*did you mean "retention.ms"`},
		{`{ "retention.ms" = "a week" }`, `(?s)Invalid Topic Config Value.*"retention.ms".*"a week" is not a whole number`},
		{`{ "cleanup.policy" = "compact,archive" }`, `(?s)Invalid Topic Config Value.*"archive" is not allowed: use "compact", "delete"`},
		{`{ "min.insync.replicas" = "0" }`, `(?s)value 0 is out of range: it must be at least 1`},
		{`{ "segment.bytes" = "1024" }`, `(?s)must be at least 1048576`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      topicConfig(name, 1, c.config),
			ExpectError: expectError(c.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		// Every step fails at plan, so the cluster never sees the topic.
		CheckDestroy: checkTopicsDestroyed(t, name),
		Steps:        steps,
	})
}

func TestAccTopic_invalidName(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: topicConfig("orders/eu", 1, "null"), ExpectError: expectError(`Invalid Topic Name.*contains '/'`)},
			{Config: topicConfig("..", 1, "null"), ExpectError: expectError(`Invalid Topic Name.*reserved`)},
			{Config: topicConfig(strings.Repeat("a", 250), 1, "null"), ExpectError: expectError(`250 characters long and Kafka allows at most 249`)},
			{Config: topicConfig("x", 0, "null"), ExpectError: expectError(`Invalid Whole Number.*partitions = 0 is out of range; use a whole number from 1 to 2147483647`)},
		},
	})
}

func TestAccTopic_alreadyExists(t *testing.T) {
	name := acctest.Name("topic")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkTopicsDestroyed(t, name),
		Steps: []resource.TestStep{
			{
				// A topic that differs from the plan is not one an earlier
				// apply created: it is refused, with the way to adopt it.
				PreConfig:   func() { createTopicOutOfBand(t, name, 1) },
				Config:      topicConfig(name, 2, "null"),
				ExpectError: expectError(`Topic Already Exists.*terraform import <address> ` + regexp.QuoteMeta(name)),
			},
			{
				// The error's advice works: import it, then manage it.
				Config:             topicConfig(name, 1, "null"),
				ResourceName:       "kafkatenant_topic.test",
				ImportState:        true,
				ImportStateId:      name,
				ImportStatePersist: true,
			},
			{
				Config: topicConfig(name, 3, "null"),
				Check:  checkTopicOnCluster(t, name, 3, nil),
			},
		},
	})
}

func TestAccTopic_replicationFactorExceedsBrokers(t *testing.T) {
	name := acctest.Name("topic")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkTopicsDestroyed(t, name),
		Steps: []resource.TestStep{
			{
				Config:      topicRFConfig(name, 99),
				ExpectError: expectError(`Replication Factor Exceeds Brokers.*replication factor 99 needs 99 brokers`),
			},
		},
	})
}

func topicRFConfig(name string, rf int) string {
	return fmt.Sprintf(`
resource "kafkatenant_topic" "test" {
  name               = %q
  partitions         = 3
  replication_factor = %d
}
`, name, rf)
}

func deleteTopicOutOfBand(t *testing.T, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		return acctest.AdminClient(t).DeleteTopic(context.Background(), name)
	}
}

func alterTopicOutOfBand(t *testing.T, name string, set map[string]string, reset []string) {
	t.Helper()
	if err := acctest.AdminClient(t).AlterTopicConfigs(context.Background(), name, set, reset); err != nil {
		t.Fatalf("altering topic %s out of band: %v", name, err)
	}
}

// createTopicOutOfBand creates a topic behind Terraform's back, deleted
// when the test ends unless the test deleted it.
func createTopicOutOfBand(t *testing.T, name string, partitions int32) {
	t.Helper()
	_, err := acctest.AdminClient(t).CreateTopic(context.Background(), kafka.TopicSpec{Name: name, Partitions: partitions, ReplicationFactor: -1})
	if err != nil {
		t.Fatalf("creating topic %s out of band: %v", name, err)
	}
	t.Cleanup(func() { deleteIfExists(t, name) })
}

func checkTopicConfigUnset(t *testing.T, name, key string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		d, err := acctest.AdminClient(t).DescribeTopic(context.Background(), name)
		if err != nil {
			return err
		}
		if v, ok := d.DynamicConfigs[key]; ok {
			return fmt.Errorf("topic %s still sets %s = %q on the cluster", name, key, v)
		}
		return nil
	}
}

// TestAccTopic_replicationFactor changes a topic's replication factor in
// place. A broker that applies reassignments (Apache Kafka) must end with
// every partition on the new number of distinct brokers, growing and
// shrinking. One that accepts them and applies none (kfake) must draw the
// provider's error rather than a state that claims the change; on the
// embedded cluster the reassignment it asked for is checked on the wire.
func TestAccTopic_replicationFactor(t *testing.T) {
	name := acctest.Name("topic")
	step := func(rf int) resource.TestStep {
		return resource.TestStep{
			Config: topicRFConfig(name, rf),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("kafkatenant_topic.test", "replication_factor", strconv.Itoa(rf)),
				checkReplicationFactor(t, name, int16(rf)),
			),
		}
	}
	steps := []resource.TestStep{step(1)}
	var sent *reassignments
	if appliesReassignments.on(t) {
		steps = append(steps, step(3), step(2))
	} else {
		if acctest.IsEmbedded() {
			sent = recordReassignments(t, acctest.Embedded(t, "see the reassignment on the wire").Fake, name)
		}
		grow := step(3)
		grow.ExpectError = expectError(`Replication Factor Change Not Applied.*` + regexp.QuoteMeta(name) + `.*still reports the old replica lists`)
		grow.Check = nil
		steps = append(steps, grow)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkTopicsDestroyed(t, name),
		Steps:                    steps,
	})
	if sent != nil {
		sent.assertGrowth(t, 3, 3)
	}
}

func checkReplicationFactor(t *testing.T, name string, rf int16) resource.TestCheckFunc {
	return func(*terraform.State) error {
		d, err := acctest.AdminClient(t).DescribeTopic(context.Background(), name)
		if err != nil {
			return err
		}
		if d.ReplicationFactor != rf {
			return fmt.Errorf("topic %s has replication factor %d on the cluster, want %d", name, d.ReplicationFactor, rf)
		}
		for p, replicas := range d.Replicas {
			if distinct := len(slices.Compact(slices.Sorted(slices.Values(replicas)))); len(replicas) != int(rf) || distinct != int(rf) {
				return fmt.Errorf("partition %d of topic %s lists replicas %v, want %d distinct brokers", p, name, replicas, rf)
			}
		}
		return nil
	}
}
