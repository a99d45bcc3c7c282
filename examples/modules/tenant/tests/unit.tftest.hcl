# Runs without a cluster: the provider is mocked, so only the module's own
# logic is tested (names, which resources exist, what reaches them). Run it
# with
#   terraform test -filter=tests/unit.tftest.hcl

mock_provider "kafkatenant" {
  mock_resource "kafkatenant_tenant" {
    defaults = {
      principal    = "User:london.payments"
      username     = "london.payments"
      topic_prefix = "london.payments."
      group_prefix = "london.payments."
    }
  }
}

variables {
  name            = "payments"
  virtual_cluster = "london"
  password        = "mock-password-1"
  topics = {
    orders = { partitions = 6 }
    audit  = { partitions = 1, replication_factor = 2, config = { "retention.ms" = "3600000" } }
  }
  quota   = { producer_byte_rate = 1000000, consumer_byte_rate = 2000000 }
  budgets = { max_topics = 5 }
}

run "topics_inside_the_prefix" {
  assert {
    condition     = output.topics == { orders = "london.payments.orders", audit = "london.payments.audit" }
    error_message = "topics are not named inside the tenant's prefix: ${jsonencode(output.topics)}"
  }
  assert {
    condition     = kafkatenant_topic.this["audit"].replication_factor == 2 && kafkatenant_topic.this["audit"].config["retention.ms"] == "3600000"
    error_message = "topic settings were not passed through"
  }
  assert {
    condition     = kafkatenant_topic.this["orders"].tenant == "payments"
    error_message = "a topic does not name its tenant"
  }
}

run "tenant_settings" {
  assert {
    condition     = kafkatenant_tenant.this.virtual_cluster == "london" && kafkatenant_tenant.this.budgets.max_topics == 5
    error_message = "the tenant's virtual cluster or budgets were not passed through"
  }
  assert {
    condition     = kafkatenant_tenant.this.credentials.mechanism == "SCRAM-SHA-512" && kafkatenant_tenant.this.credentials.password_wo_version == 1
    error_message = "the credential is not SCRAM-SHA-512 at version 1"
  }
  assert {
    condition     = output.principal == "User:london.payments" && output.topic_prefix == "london.payments."
    error_message = "the outputs do not come from the tenant"
  }
}

run "quota" {
  assert {
    condition     = length(kafkatenant_quota.this) == 1 && kafkatenant_quota.this[0].producer_byte_rate == 1000000 && kafkatenant_quota.this[0].tenant == "payments"
    error_message = "the quota was not made for the tenant"
  }
}

run "no_quota" {
  variables {
    quota = null
  }
  assert {
    condition     = length(kafkatenant_quota.this) == 0
    error_message = "a quota was made although none was asked for"
  }
}

run "rotate_password" {
  variables {
    password_version = 2
  }
  assert {
    condition     = kafkatenant_tenant.this.credentials.password_wo_version == 2
    error_message = "password_version does not reach the credential"
  }
}
