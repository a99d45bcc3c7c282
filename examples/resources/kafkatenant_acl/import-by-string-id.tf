import {
  to = kafkatenant_acl.connect_reads_payments
  id = "TOPIC|PREFIXED|london.payments.|User:CN=connect,OU=platform|*|READ|ALLOW"
}
