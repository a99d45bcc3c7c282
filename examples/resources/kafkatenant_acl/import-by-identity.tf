import {
  to = kafkatenant_acl.connect_reads_payments
  identity = {
    resource_type = "TOPIC"
    pattern_type  = "PREFIXED"
    resource_name = "london.payments."
    principal     = "User:CN=connect,OU=platform"
    operation     = "READ"
  }
}
