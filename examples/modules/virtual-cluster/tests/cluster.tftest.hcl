# Runs against the cluster in the KAFKATENANT_* environment (make test runs
# it on the embedded cluster), creating and destroying a virtual cluster.
# The name comes from the command line, so that runs do not collide:
#   terraform test -filter=tests/cluster.tftest.hcl -var name=ktacc-london

variables {
  capacity = { producer_byte_rate = 50000000 }
  tenants = {
    payments = {
      topics = {
        orders  = { partitions = 3 }
        refunds = { partitions = 1, config = { "retention.ms" = "3600000" } }
      }
      quota   = { producer_byte_rate = 20000000 }
      budgets = { max_topics = 5 }
    }
    risk = {
      scram  = false
      topics = { exposures = { partitions = 2 } }
    }
  }
  passwords = { payments = "cluster-test-password-1" }
}

run "create" {
  assert {
    condition     = output.prefix == "${var.name}."
    error_message = "the virtual cluster's prefix is ${output.prefix}"
  }
  assert {
    condition     = output.tenants["payments"].client_properties["sasl.username"] == "${var.name}.payments"
    error_message = "the payments tenant's client properties do not name its user"
  }
  assert {
    condition     = output.allocated["producer_byte_rate"] == 20000000 && output.free["producer_byte_rate"] == 30000000
    error_message = "the envelope's allocation is ${jsonencode(output.allocated)}, free ${jsonencode(output.free)}"
  }
}

run "on_the_cluster" {
  module {
    source = "./tests/read"
  }
  assert {
    condition     = data.kafkatenant_virtual_cluster.this.tenants == tolist(["${var.name}-payments", "${var.name}-risk"])
    error_message = "the registry lists tenants ${jsonencode(data.kafkatenant_virtual_cluster.this.tenants)}"
  }
  assert {
    condition     = data.kafkatenant_topics.this.names == tolist(["${var.name}.payments.orders", "${var.name}.payments.refunds", "${var.name}.risk.exposures"])
    error_message = "the cluster holds topics ${jsonencode(data.kafkatenant_topics.this.names)}"
  }
  assert {
    condition     = data.kafkatenant_tenant.payments.usage.partitions == 4 && data.kafkatenant_tenant.payments.budgets.max_topics == 5
    error_message = "the payments tenant uses ${jsonencode(data.kafkatenant_tenant.payments.usage)} of ${jsonencode(data.kafkatenant_tenant.payments.budgets)}"
  }
}

run "change" {
  variables {
    tenants = {
      payments = {
        topics = {
          orders  = { partitions = 6 }
          refunds = { partitions = 1, config = { "retention.ms" = "3600000" } }
        }
        quota   = { producer_byte_rate = 25000000 }
        budgets = { max_topics = 5 }
      }
      risk = {
        scram  = false
        topics = { exposures = { partitions = 2 } }
      }
    }
  }
  assert {
    condition     = kafkatenant_topic.this["payments/orders"].partitions == 6 && output.allocated["producer_byte_rate"] == 25000000
    error_message = "the topic did not grow or the quota did not change"
  }
}
