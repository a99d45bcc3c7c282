# Every tenant of the london virtual cluster, registered by any workspace.
list "kafkatenant_tenant" "london" {
  provider         = kafkatenant
  include_resource = true

  config {
    virtual_cluster = "london"
  }
}
