# Two teams of one virtual cluster share its envelope 1:3 by weight, with a
# floor for the smaller one. The connection comes from the KAFKATENANT_*
# environment variables.
terraform {
  required_version = ">= 1.11"

  required_providers {
    kafkatenant = {
      source = "kafkatenant/kafkatenant"
    }
  }
}

resource "kafkatenant_virtual_cluster" "shop" {
  name     = "shop"
  capacity = { producer_byte_rate = 80000000 }
}

resource "kafkatenant_tenant" "orders" {
  name            = "orders"
  virtual_cluster = kafkatenant_virtual_cluster.shop.name
}

resource "kafkatenant_tenant" "search" {
  name            = "search"
  virtual_cluster = kafkatenant_virtual_cluster.shop.name
}

module "share" {
  source = "../../" # or your registry address

  virtual_cluster = kafkatenant_virtual_cluster.shop.name
  keys            = ["producer_byte_rate"]
  tenants = {
    (kafkatenant_tenant.orders.name) = { weight = 3 }
    (kafkatenant_tenant.search.name) = { weight = 1, floor = { producer_byte_rate = 10000000 } }
  }
}

output "quotas" {
  value = module.share.quotas
}
