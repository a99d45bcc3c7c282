# Reads the virtual cluster back from the cluster, as another workspace
# would, through the provider's data sources.
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

data "kafkatenant_virtual_cluster" "this" {
  name = var.name
}

data "kafkatenant_topics" "this" {
  virtual_cluster = var.name
}

data "kafkatenant_tenant" "payments" {
  name = "${var.name}-payments"
}
