# The quotas of one tenant, its client-id carve-outs included.
list "kafkatenant_quota" "payments" {
  provider         = kafkatenant
  include_resource = true

  config {
    tenant = "payments"
  }
}

# Every default-user quota and its carve-outs.
list "kafkatenant_quota" "defaults" {
  provider = kafkatenant

  config {
    prefix = "user=<default>"
  }
}
