# Reads the tenant back from the cluster, as another workspace would,
# through the provider's data sources.
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

data "kafkatenant_tenant" "this" {
  name = var.name
}

data "kafkatenant_topics" "this" {
  tenant = var.name
}

data "kafkatenant_topic" "audit" {
  name = "${data.kafkatenant_tenant.this.topic_prefix}audit"
}

variable "virtual_cluster" {
  type = string
}

data "kafkatenant_virtual_cluster" "this" {
  name = var.virtual_cluster
}
