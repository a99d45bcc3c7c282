# A fair share of a virtual cluster (or of the whole cluster) among tenants,
# applied as their quotas. Run on a schedule, it moves capacity to the
# tenants that use it; see the fair share guide.

data "kafkatenant_fair_share" "this" {
  virtual_cluster = var.virtual_cluster
  keys            = var.keys
  tenants         = var.tenants
  demand          = var.demand
  hysteresis      = var.hysteresis
}

# One quota per tenant. for_each runs over the input, whose keys are known
# at plan even when the share itself is only read at apply (a first rollout
# that creates the tenants).
resource "kafkatenant_quota" "this" {
  for_each = var.tenants

  tenant             = each.key
  producer_byte_rate = data.kafkatenant_fair_share.this.quotas[each.key].producer_byte_rate
  consumer_byte_rate = data.kafkatenant_fair_share.this.quotas[each.key].consumer_byte_rate
  request_percentage = data.kafkatenant_fair_share.this.quotas[each.key].request_percentage
}
