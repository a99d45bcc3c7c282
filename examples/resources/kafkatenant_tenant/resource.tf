variable "payments_password" {
  type      = string
  sensitive = true
  ephemeral = true # from a secret store; never written to state or plan
}

# The payments team: principal User:london.payments, owning every topic,
# group and transactional id starting with "london.payments.".
resource "kafkatenant_tenant" "payments" {
  name            = "payments"
  virtual_cluster = kafkatenant_virtual_cluster.london.name

  credentials = {
    mechanism           = "SCRAM-SHA-512"
    password_wo         = var.payments_password
    password_wo_version = 1 # bump to rotate
  }

  budgets = {
    max_topics          = 20
    max_partitions      = 120
    max_retention_bytes = 500000000000
  }
}

output "payments_client_properties" {
  value = kafkatenant_tenant.payments.client_properties
}
