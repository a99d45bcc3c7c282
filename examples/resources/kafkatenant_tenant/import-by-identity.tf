import {
  to       = kafkatenant_tenant.payments
  identity = { name = "payments" }
}
