# Runs without a cluster: the provider is mocked, so only the module's own
# logic is tested (one quota per tenant, carrying the share's values). Run it
# with
#   terraform test -filter=tests/unit.tftest.hcl

mock_provider "kafkatenant" {
  mock_data "kafkatenant_fair_share" {
    defaults = {
      quotas = {
        small = { producer_byte_rate = 20000000, consumer_byte_rate = 40000000, request_percentage = 25 }
        large = { producer_byte_rate = 60000000, consumer_byte_rate = 120000000, request_percentage = 75 }
      }
    }
  }
}

variables {
  virtual_cluster = "shop"
  tenants = {
    small = { weight = 1 }
    large = { weight = 3, floor = { producer_byte_rate = 1000000 } }
  }
}

run "one_quota_per_tenant_with_its_share" {
  assert {
    condition     = toset(keys(kafkatenant_quota.this)) == toset(["small", "large"])
    error_message = "quotas exist for ${jsonencode(keys(kafkatenant_quota.this))}, want small and large"
  }
  assert {
    condition     = kafkatenant_quota.this["large"].tenant == "large" && kafkatenant_quota.this["large"].producer_byte_rate == 60000000
    error_message = "the large tenant's quota does not carry its share"
  }
  assert {
    condition     = kafkatenant_quota.this["small"].consumer_byte_rate == 40000000 && kafkatenant_quota.this["small"].request_percentage == 25
    error_message = "the small tenant's quota does not carry every key of its share"
  }
}

run "the_inputs_reach_the_share" {
  assert {
    condition     = data.kafkatenant_fair_share.this.virtual_cluster == "shop" && data.kafkatenant_fair_share.this.tenants["large"].weight == 3
    error_message = "the share does not get the module's inputs"
  }
}
