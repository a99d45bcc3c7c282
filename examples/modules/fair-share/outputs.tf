output "quotas" {
  description = "The per-broker quota of each tenant, by tenant name."
  value       = data.kafkatenant_fair_share.this.quotas
}

output "explanations" {
  description = "Why each tenant got its quota, in a few lines per tenant."
  value       = data.kafkatenant_fair_share.this.explanations
}

output "totals" {
  description = "Per key: the scope's limit, what quotas outside the share hold, what was available and what was allocated."
  value       = data.kafkatenant_fair_share.this.totals
}
