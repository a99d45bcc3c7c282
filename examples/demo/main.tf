# Two virtual clusters, london and paris, carved out of one shared Kafka
# cluster. Each has its own tenants, built with the reusable tenant module
# (examples/modules/tenant) that a platform team would publish, and one
# platform topic, fx-rates, is shared read-only into both.
#
# Run it with `make demo`: it starts the embedded dev cluster, builds the
# provider, applies this directory, shows that a quota which would
# overcommit the brokers is refused at plan time, and destroys everything.

terraform {
  required_version = ">= 1.11"

  required_providers {
    kafkatenant = {
      source = "kafkatenant/kafkatenant"
    }
  }
}

# The connection comes from the KAFKATENANT_* environment variables, which
# `make demo` sets to the dev cluster's. The capacity is what the platform
# team says its brokers deliver: with 600 MB/s disks, replication factor 3
# and 20% headroom, each broker takes 160 MB/s of producer traffic.
provider "kafkatenant" {
  capacity = {
    disk_write_bytes_per_second  = 600000000
    network_in_bytes_per_second  = 1250000000
    network_out_bytes_per_second = 1250000000
    replication_factor           = 3
    io_threads                   = 8
    network_threads              = 3
    partitions_per_broker        = 2000
    headroom                     = 0.2
  }
}

variable "passwords" {
  description = "SCRAM passwords by tenant (london-payments, london-risk, paris-orders). make demo generates them; they are never stored."
  type        = map(string)
  sensitive   = true
  ephemeral   = true
}

# A platform topic outside every tenant's namespace.
resource "kafkatenant_topic" "fx_rates" {
  name       = "platform.fx-rates"
  partitions = 3
  config = {
    "cleanup.policy" = "compact"
  }
}

resource "kafkatenant_virtual_cluster" "london" {
  name          = "london"
  shared_topics = [kafkatenant_topic.fx_rates.name]
  capacity = {
    producer_byte_rate = 80000000  # 80 MB/s per broker for all London tenants
    consumer_byte_rate = 300000000 # 300 MB/s
    request_percentage = 400
    partitions         = 300
  }
}

resource "kafkatenant_virtual_cluster" "paris" {
  name          = "paris"
  shared_topics = [kafkatenant_topic.fx_rates.name]
  capacity = {
    producer_byte_rate = 60000000
    consumer_byte_rate = 200000000
    request_percentage = 300
    partitions         = 200
  }
}

module "london_payments" {
  source          = "../modules/tenant"
  name            = "payments"
  virtual_cluster = kafkatenant_virtual_cluster.london.name
  password        = var.passwords["london-payments"]

  topics = {
    orders      = { partitions = 6 }
    settlements = { partitions = 3, config = { "retention.ms" = "604800000" } }
  }
  quota   = { producer_byte_rate = 40000000, consumer_byte_rate = 120000000, request_percentage = 150 }
  budgets = { max_topics = 10, max_partitions = 60 }
}

module "london_risk" {
  source          = "../modules/tenant"
  name            = "risk"
  virtual_cluster = kafkatenant_virtual_cluster.london.name
  password        = var.passwords["london-risk"]

  topics = {
    exposures = { partitions = 3 }
  }
  quota = { producer_byte_rate = 20000000, consumer_byte_rate = 100000000, request_percentage = 100 }
}

module "paris_orders" {
  source          = "../modules/tenant"
  name            = "orders"
  virtual_cluster = kafkatenant_virtual_cluster.paris.name
  password        = var.passwords["paris-orders"]

  topics = {
    orders   = { partitions = 6 }
    invoices = { partitions = 3 }
  }
  quota = { producer_byte_rate = 30000000, consumer_byte_rate = 100000000, request_percentage = 100 }
}

# Risk reads the payments team's settlements on purpose: a grant across
# tenant namespaces has to say so.
resource "kafkatenant_acl" "risk_reads_settlements" {
  principal     = module.london_risk.principal
  resource_type = "TOPIC"
  resource_name = module.london_payments.topics["settlements"]
  operation     = "READ"
  cross_tenant  = true
}

data "kafkatenant_capacity" "cluster" {
  depends_on = [module.london_payments, module.london_risk, module.paris_orders]
}

data "kafkatenant_throttle_status" "london_payments" {
  tenant     = "payments"
  depends_on = [module.london_payments]
}

output "client_properties" {
  description = "What each team needs to connect, besides its password."
  value = {
    "london-payments" = module.london_payments.client_properties
    "london-risk"     = module.london_risk.client_properties
    "paris-orders"    = module.paris_orders.client_properties
  }
}

output "topics" {
  value = merge(module.london_payments.topics, module.london_risk.topics, { for k, v in module.paris_orders.topics : "paris-${k}" => v })
}

output "capacity_per_broker" {
  description = "Producer and consumer bytes per second per broker: usable after headroom, promised in quotas, and free."
  value = {
    for key in ["producer_byte_rate", "consumer_byte_rate"] : key => {
      usable    = data.kafkatenant_capacity.cluster.usable[key]
      allocated = data.kafkatenant_capacity.cluster.allocated[key]
      free      = data.kafkatenant_capacity.cluster.free[key]
    }
  }
}

output "virtual_clusters" {
  value = data.kafkatenant_capacity.cluster.virtual_clusters
}

output "london_payments_throttle_status" {
  description = "Without a metrics source the status is unknown: the Kafka admin protocol cannot see another principal's throttling."
  value = {
    status = data.kafkatenant_throttle_status.london_payments.status
    reason = data.kafkatenant_throttle_status.london_payments.reason
    quotas = [for q in data.kafkatenant_throttle_status.london_payments.effective_quotas : "${q.key} = ${q.value} from ${q.entity} (level ${q.level})"]
  }
}
