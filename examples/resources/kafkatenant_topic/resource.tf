# An event stream that keeps a week of data.
resource "kafkatenant_topic" "orders" {
  name               = "payments.orders"
  partitions         = 12
  replication_factor = 3

  config = {
    "cleanup.policy"      = "delete"
    "min.insync.replicas" = "2"
    "retention.ms"        = "604800000"
  }
}

# A compacted topic that keeps the latest value per key.
resource "kafkatenant_topic" "customer_profiles" {
  name       = "payments.customer-profiles"
  partitions = 6

  config = {
    "cleanup.policy" = "compact"
  }
}
