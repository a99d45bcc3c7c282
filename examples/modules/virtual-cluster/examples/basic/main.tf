# A virtual cluster for the London teams, with two tenants. The connection
# comes from the KAFKATENANT_* environment variables.
terraform {
  required_version = ">= 1.11"

  required_providers {
    kafkatenant = {
      source = "kafkatenant/kafkatenant"
    }
  }
}

variable "passwords" {
  description = "SCRAM passwords by tenant key, from a secret store."
  type        = map(string)
  sensitive   = true
  ephemeral   = true
}

module "london" {
  source = "../../" # or your registry address

  name     = "london"
  capacity = { producer_byte_rate = 80000000, consumer_byte_rate = 300000000, partitions = 300 }

  tenants = {
    payments = {
      topics = {
        orders      = { partitions = 6 }
        settlements = { partitions = 3, config = { "retention.ms" = "604800000" } }
      }
      quota   = { producer_byte_rate = 40000000, consumer_byte_rate = 120000000 }
      budgets = { max_topics = 10, max_partitions = 60 }
    }
    # Authenticated by mTLS: no SCRAM credential.
    risk = {
      principal = "User:CN=risk,OU=london"
      scram     = false
      topics    = { exposures = { partitions = 3 } }
      quota     = { producer_byte_rate = 20000000, consumer_byte_rate = 100000000 }
    }
  }
  passwords = var.passwords
}

output "tenants" {
  value = module.london.tenants
}

output "topics" {
  value = module.london.topics
}
