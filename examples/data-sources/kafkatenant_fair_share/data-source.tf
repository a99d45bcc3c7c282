provider "kafkatenant" {
  # Observed demand comes from the Prometheus server that scrapes the
  # brokers' JMX exporters.
  metrics = {
    prometheus_url = "http://prometheus.monitoring:9090"
  }
}

locals {
  # Weights 1:3; payments is guaranteed 5 MB/s per broker even when idle.
  london_tenants = {
    (kafkatenant_tenant.payments.name) = { weight = 1, floor = { producer_byte_rate = 5000000 } }
    (kafkatenant_tenant.risk.name)     = { weight = 3 }
  }
}

data "kafkatenant_fair_share" "london" {
  virtual_cluster = kafkatenant_virtual_cluster.london.name
  keys            = ["producer_byte_rate", "consumer_byte_rate"]
  tenants         = local.london_tenants

  # Each tenant's demand is its busiest broker's peak over the last hour,
  # plus 20%; quota changes under 5% are not proposed.
  demand     = { headroom = 1.2, window = "1h" }
  hysteresis = 0.05
}

# for_each over the configuration's own map, whose keys are known at plan
# even when the share is read during the apply (a first rollout).
resource "kafkatenant_quota" "london" {
  for_each = local.london_tenants

  tenant             = each.key
  producer_byte_rate = data.kafkatenant_fair_share.london.quotas[each.key].producer_byte_rate
  consumer_byte_rate = data.kafkatenant_fair_share.london.quotas[each.key].consumer_byte_rate
}

output "why" {
  # One readable paragraph per tenant: its quota per key and the reason.
  value = data.kafkatenant_fair_share.london.explanations
}
