# Creates what the share divides: a virtual cluster with an envelope and two
# tenants in it, named after var.name so that runs do not collide.
terraform {
  required_providers {
    kafkatenant = {
      source = "kafkatenant/kafkatenant"
    }
  }
}

variable "name" {
  type = string
}

resource "kafkatenant_virtual_cluster" "this" {
  name     = var.name
  capacity = { producer_byte_rate = 80000000 }
}

resource "kafkatenant_tenant" "small" {
  name            = "${var.name}-small"
  virtual_cluster = kafkatenant_virtual_cluster.this.name
}

resource "kafkatenant_tenant" "large" {
  name            = "${var.name}-large"
  virtual_cluster = kafkatenant_virtual_cluster.this.name
}

output "virtual_cluster" {
  value = kafkatenant_virtual_cluster.this.name
}

output "small" {
  value = kafkatenant_tenant.small.name
}

output "large" {
  value = kafkatenant_tenant.large.name
}
