# One virtual cluster, shop, whose envelope is shared among three tenants by
# their observed demand: a fair share computed at plan time and applied as
# their quotas. Scheduled, `terraform apply` moves capacity to the tenants
# that use it; see the fair share guide.
#
# Run it with `make demo-fair-share`: it starts the embedded dev cluster and a
# SYNTHETIC metrics endpoint (internal/cmd/demoexporter) that stands in for the
# brokers' JMX exporters, applies this directory, moves demand from one tenant
# to another, and shows the quotas follow while small changes are held back.

terraform {
  required_version = ">= 1.11"

  required_providers {
    kafkatenant = {
      source = "kafkatenant/kafkatenant"
    }
  }
}

# The connection and the metrics endpoint come from KAFKATENANT_* variables
# (KAFKATENANT_METRICS_ENDPOINTS), which `make demo-fair-share` sets.
provider "kafkatenant" {
  capacity = {
    disk_write_bytes_per_second  = 600000000
    network_in_bytes_per_second  = 1250000000
    network_out_bytes_per_second = 1250000000
    replication_factor           = 3
    io_threads                   = 8
    network_threads              = 3
    headroom                     = 0.2
  }
}

variable "passwords" {
  description = "SCRAM passwords by tenant (orders, search, analytics). make demo-fair-share generates them; they are never stored."
  type        = map(string)
  sensitive   = true
  ephemeral   = true
}

resource "kafkatenant_virtual_cluster" "shop" {
  name = "shop"
  capacity = {
    producer_byte_rate = 60000000  # 60 MB/s per broker for all of shop's tenants
    consumer_byte_rate = 120000000 # 120 MB/s
    request_percentage = 200
  }
}

# The tenants carry no quota of their own: the fair share sets it.
module "orders" {
  source          = "../modules/tenant"
  name            = "orders"
  virtual_cluster = kafkatenant_virtual_cluster.shop.name
  password        = var.passwords["orders"]
  topics          = { events = { partitions = 6 } }
}

module "search" {
  source          = "../modules/tenant"
  name            = "search"
  virtual_cluster = kafkatenant_virtual_cluster.shop.name
  password        = var.passwords["search"]
  topics          = { queries = { partitions = 3 } }
}

module "analytics" {
  source          = "../modules/tenant"
  name            = "analytics"
  virtual_cluster = kafkatenant_virtual_cluster.shop.name
  password        = var.passwords["analytics"]
  topics          = { clicks = { partitions = 3 } }
}

# Orders weighs 3, search 1, analytics 2. Orders and search are guaranteed a
# floor even when idle; analytics, a batch job, never gets more than 20 MB/s
# of producer traffic per broker.
module "shop_share" {
  source          = "../modules/fair-share"
  virtual_cluster = kafkatenant_virtual_cluster.shop.name

  tenants = {
    (module.orders.name) = {
      weight = 3
      floor  = { producer_byte_rate = 5000000, consumer_byte_rate = 10000000, request_percentage = 20 }
    }
    (module.search.name) = {
      weight = 1
      floor  = { producer_byte_rate = 2000000, consumer_byte_rate = 10000000, request_percentage = 10 }
    }
    (module.analytics.name) = {
      weight  = 2
      floor   = { producer_byte_rate = 1000000, consumer_byte_rate = 5000000, request_percentage = 10 }
      ceiling = { producer_byte_rate = 20000000 }
    }
  }
  demand     = { headroom = 1.2 }
  hysteresis = 0.05

  # The share reads the tenants from the cluster: on a run that creates or
  # changes them, Terraform reads it during the apply, after them.
  depends_on = [module.orders, module.search, module.analytics]
}

output "quotas" {
  description = "Each tenant's per-broker quota."
  value       = module.shop_share.quotas
}

output "explanations" {
  description = "Why each tenant got its quota."
  value       = module.shop_share.explanations
}

output "totals" {
  description = "Per key: the envelope, what was available and what the quotas add up to."
  value       = module.shop_share.totals
}
