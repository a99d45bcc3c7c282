# Two product teams share one Kafka cluster. Each team lists its topics
# once; Terraform creates them under the team's name prefix with the
# partitions and configs the team asked for.
#
# Run it with `make demo`, which starts the embedded dev cluster, builds the
# provider and applies this directory with the provider's development
# override.

terraform {
  required_providers {
    kafkatenant = {
      source = "kafkatenant/kafkatenant"
    }
  }
}

# The connection comes from the KAFKATENANT_* environment variables, which
# `make demo` sets to the dev cluster's.
provider "kafkatenant" {}

variable "replication_factor" {
  description = "Replicas per partition for every topic; the dev cluster has three brokers."
  type        = number
  default     = 3
}

locals {
  teams = {
    payments = {
      orders = {
        partitions = 6
        config = {
          "cleanup.policy"      = "delete"
          "min.insync.replicas" = "2"
          "retention.ms"        = "604800000" # 7 days
        }
      }
      refunds = {
        partitions = 3
        config = {
          "retention.ms" = "2592000000" # 30 days
        }
      }
    }
    search = {
      clicks = {
        partitions = 12
        config = {
          "compression.type" = "zstd"
          "retention.ms"     = "86400000" # 1 day
        }
      }
      index-updates = {
        partitions = 6
        config = {
          "cleanup.policy" = "compact"
        }
      }
    }
  }

  # One entry per topic, keyed by its full name "<team>.<topic>".
  topics = merge([
    for team, topics in local.teams : {
      for name, topic in topics : "${team}.${name}" => merge(topic, { team = team })
    }
  ]...)
}

resource "kafkatenant_topic" "this" {
  for_each = local.topics

  name               = each.key
  partitions         = each.value.partitions
  replication_factor = var.replication_factor
  config             = each.value.config
}

output "topics_by_team" {
  description = "The topics each team owns."
  value = {
    for team in keys(local.teams) : team => sort([
      for key, topic in kafkatenant_topic.this : topic.name if local.topics[key].team == team
    ])
  }
}

output "partitions_by_team" {
  description = "The partitions each team's topics hold in total."
  value = {
    for team in keys(local.teams) : team => sum([
      for key, topic in kafkatenant_topic.this : topic.partitions if local.topics[key].team == team
    ])
  }
}

output "topic_ids" {
  description = "Kafka's UUID of every topic; a new UUID after a refresh means the topic was recreated outside Terraform."
  value       = { for key, topic in kafkatenant_topic.this : key => topic.topic_id }
}
