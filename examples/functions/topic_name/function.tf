# "london.payments.orders"
output "orders_topic" {
  value = provider::kafkatenant::topic_name(kafkatenant_tenant.payments.topic_prefix, "orders")
}
