# Runs without a cluster: the provider is mocked, so only the module's own
# logic is tested (names, prefixes, which resources exist). Run it with
#   terraform test -filter=tests/unit.tftest.hcl

mock_provider "kafkatenant" {
  mock_resource "kafkatenant_virtual_cluster" {
    defaults = {
      prefix = "london."
    }
  }
}

variables {
  name     = "london"
  capacity = { producer_byte_rate = 80000000 }
  tenants = {
    payments = {
      topics = {
        orders = { partitions = 6 }
        audit  = { partitions = 1, config = { "retention.ms" = "3600000" } }
      }
      quota   = { producer_byte_rate = 40000000 }
      budgets = { max_topics = 10 }
    }
    risk = {
      principal = "User:CN=risk"
      scram     = false
      topics    = { exposures = { partitions = 3 } }
    }
  }
  passwords = { payments = "mock-password-1" }
}

run "tenants_are_qualified_by_the_virtual_cluster" {
  assert {
    condition     = kafkatenant_tenant.this["payments"].name == "london-payments" && kafkatenant_tenant.this["risk"].name == "london-risk"
    error_message = "tenants are not registered as <virtual cluster>-<key>"
  }
  assert {
    condition     = kafkatenant_tenant.this["payments"].principal == "User:london.payments"
    error_message = "the default principal is ${kafkatenant_tenant.this["payments"].principal}, want User:london.payments"
  }
  assert {
    condition     = kafkatenant_tenant.this["risk"].principal == "User:CN=risk"
    error_message = "a tenant's own principal was not kept"
  }
  assert {
    condition = alltrue([for p in ["topic_prefix", "group_prefix", "transactional_id_prefix"] :
    kafkatenant_tenant.this["payments"][p] == "london.payments."])
    error_message = "the payments tenant's prefixes are not london.payments."
  }
  assert {
    condition     = kafkatenant_tenant.this["payments"].virtual_cluster == "london"
    error_message = "the tenants do not belong to the virtual cluster"
  }
}

run "topics_inside_their_tenant" {
  assert {
    condition = output.topics == {
      payments = { orders = "london.payments.orders", audit = "london.payments.audit" }
      risk     = { exposures = "london.risk.exposures" }
    }
    error_message = "topics are not named inside their tenant's prefix: ${jsonencode(output.topics)}"
  }
  assert {
    condition     = kafkatenant_topic.this["payments/audit"].config["retention.ms"] == "3600000" && kafkatenant_topic.this["payments/orders"].partitions == 6
    error_message = "topic settings were not passed through"
  }
  assert {
    condition     = kafkatenant_topic.this["risk/exposures"].tenant == "london-risk"
    error_message = "a topic does not name its tenant"
  }
}

run "quotas_and_credentials_only_where_given" {
  assert {
    condition     = keys(kafkatenant_quota.this) == ["payments"]
    error_message = "quotas exist for ${jsonencode(keys(kafkatenant_quota.this))}, want payments only"
  }
  assert {
    condition     = kafkatenant_tenant.this["payments"].credentials.password_wo_version == 1 && kafkatenant_tenant.this["risk"].credentials == null
    error_message = "credentials are not set for payments only"
  }
  assert {
    condition     = kafkatenant_tenant.this["payments"].budgets.max_topics == 10 && kafkatenant_tenant.this["risk"].budgets == null
    error_message = "budgets were not passed through"
  }
}

run "own_prefix" {
  variables {
    prefix = "emea.london."
  }
  assert {
    condition     = output.topics["payments"]["orders"] == "emea.london.payments.orders"
    error_message = "the virtual cluster's own prefix is not used: ${output.topics["payments"]["orders"]}"
  }
}

run "password_missing" {
  command = plan
  variables {
    passwords = {}
  }
  expect_failures = [kafkatenant_tenant.this["payments"]]
}

run "invalid_tenant_key" {
  command = plan
  variables {
    tenants = { "pay ments" = {} }
  }
  expect_failures = [var.tenants]
}
