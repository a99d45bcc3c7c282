data "kafkatenant_topic" "orders" {
  name = "london.payments.orders"
}

# A consumer sized to the topic another workspace created.
output "consumer_instances" {
  value = data.kafkatenant_topic.orders.partitions
}

output "retention_ms" {
  # Configs left at the broker's default are absent.
  value = lookup(data.kafkatenant_topic.orders.config, "retention.ms", "broker default")
}
