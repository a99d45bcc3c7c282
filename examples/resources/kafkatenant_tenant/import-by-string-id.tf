import {
  to = kafkatenant_tenant.payments
  id = "payments"
}
