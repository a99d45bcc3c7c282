# Every topic of one tenant.
data "kafkatenant_topics" "payments" {
  tenant = "payments"
}

# Topics of a virtual cluster whose names start with a prefix; filters
# combine.
data "kafkatenant_topics" "london_audit" {
  virtual_cluster = "london"
  prefix          = "london.audit."
}

output "payments_partitions" {
  value = { for t in data.kafkatenant_topics.payments.topics : t.name => t.partitions }
}

output "london_audit_topics" {
  value = data.kafkatenant_topics.london_audit.names
}
