provider "kafkatenant" {
  # Observed rates and throttle times come from the Prometheus server that
  # scrapes the brokers' JMX exporters.
  metrics = {
    prometheus_url = "http://prometheus.monitoring:9090"
  }
}

data "kafkatenant_throttle_status" "payments" {
  tenant     = "payments"
  client_ids = ["checkout-service"]
}

output "payments_status" {
  # "unlimited", "unknown", "throttled", "over_quota", "near_limit" or "ok"
  value = {
    status = data.kafkatenant_throttle_status.payments.status
    reason = data.kafkatenant_throttle_status.payments.reason
  }
}

output "payments_quotas" {
  # Which entity each quota comes from, and its precedence level.
  value = data.kafkatenant_throttle_status.payments.effective_quotas
}
