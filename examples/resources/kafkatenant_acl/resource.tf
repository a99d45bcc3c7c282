# Let the risk team read one of the payments team's topics: a grant across
# tenant namespaces, which must say so.
resource "kafkatenant_acl" "risk_reads_payments" {
  principal     = kafkatenant_tenant.risk.principal
  resource_type = "TOPIC"
  resource_name = "london.payments.settlements"
  operation     = "READ"
  cross_tenant  = true
}

# A connector principal authenticated by mTLS, reading every topic of the
# payments team.
resource "kafkatenant_acl" "connect_reads_payments" {
  principal     = "User:CN=connect,OU=platform"
  resource_type = "topic"
  pattern_type  = "prefixed"
  resource_name = kafkatenant_tenant.payments.topic_prefix
  operation     = "read"
}
