# The grants of the london tenants beyond their own namespaces (the
# bindings a tenant holds are its kafkatenant_tenant's, and never listed).
list "kafkatenant_acl" "london" {
  provider         = kafkatenant
  include_resource = true

  config {
    virtual_cluster = "london"
  }
}
