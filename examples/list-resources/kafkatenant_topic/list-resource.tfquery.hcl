# Every topic of the london virtual cluster, with its attributes, to adopt
# with `terraform query -generate-config-out=topics.tf` (Terraform 1.14+).
list "kafkatenant_topic" "london" {
  provider         = kafkatenant
  include_resource = true

  config {
    virtual_cluster = "london"
  }
}

# The topics of one tenant whose names start with "london.payments.orders".
list "kafkatenant_topic" "orders" {
  provider = kafkatenant

  config {
    tenant = "payments"
    prefix = "london.payments.orders"
  }
}
