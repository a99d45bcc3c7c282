# One team's tenant in an existing virtual cluster. The connection comes
# from the KAFKATENANT_* environment variables.
terraform {
  required_version = ">= 1.11"

  required_providers {
    kafkatenant = {
      source = "kafkatenant/kafkatenant"
    }
  }
}

variable "payments_password" {
  description = "The payments team's SCRAM password, from a secret store."
  type        = string
  sensitive   = true
  ephemeral   = true
}

resource "kafkatenant_virtual_cluster" "london" {
  name = "london"
}

module "payments" {
  source = "../../" # or your registry address

  name             = "payments"
  virtual_cluster  = kafkatenant_virtual_cluster.london.name
  password         = var.payments_password
  password_version = 1

  topics = {
    orders   = { partitions = 6, config = { "retention.ms" = "604800000" } }
    payments = { partitions = 3 }
  }

  quota   = { producer_byte_rate = 10485760, consumer_byte_rate = 20971520 }
  budgets = { max_topics = 20, max_partitions = 120 }
}

output "client_properties" {
  value = module.payments.client_properties
}

output "topics" {
  value = module.payments.topics
}
