import {
  to = kafkatenant_quota.payments_batch
  identity = {
    user      = "london.payments"
    client_id = "batch-loader"
  }
}
