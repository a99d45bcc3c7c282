import {
  to = kafkatenant_quota.payments
  id = "user=london.payments"
}
