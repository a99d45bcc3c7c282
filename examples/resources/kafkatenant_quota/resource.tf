# The payments team may produce 10 MB/s and fetch 20 MB/s on each broker.
resource "kafkatenant_quota" "payments" {
  tenant             = kafkatenant_tenant.payments.name
  producer_byte_rate = 10000000
  consumer_byte_rate = 20000000
  request_percentage = 25
}

# Its nightly batch loader gets a bucket of its own.
resource "kafkatenant_quota" "payments_batch" {
  tenant             = kafkatenant_tenant.payments.name
  client_id          = "batch-loader"
  producer_byte_rate = 5000000
}

# The risk team thinks in cluster-wide rates, as managed services present
# them: each broker gets the rate divided by the brokers leading its
# partitions.
resource "kafkatenant_quota" "risk" {
  tenant             = kafkatenant_tenant.risk.name
  scope              = "cluster"
  producer_byte_rate = 30000000
}

# Every principal without a quota of its own.
resource "kafkatenant_quota" "default_user" {
  user               = "<default>"
  producer_byte_rate = 1000000
  consumer_byte_rate = 2000000
}

# At most five new connections per second from one address.
resource "kafkatenant_quota" "office_nat" {
  ip                       = "203.0.113.7"
  connection_creation_rate = 5
}
