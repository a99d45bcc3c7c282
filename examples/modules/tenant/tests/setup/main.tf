# The virtual cluster the tenant under test lives in.
terraform {
  required_providers {
    kafkatenant = {
      source = "kafkatenant/kafkatenant"
    }
  }
}

variable "virtual_cluster" {
  type = string
}

resource "kafkatenant_virtual_cluster" "this" {
  name = var.virtual_cluster
}
