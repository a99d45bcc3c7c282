# Every virtual cluster in the registry.
list "kafkatenant_virtual_cluster" "all" {
  provider         = kafkatenant
  include_resource = true
}
