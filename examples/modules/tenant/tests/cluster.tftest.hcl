# Runs against the cluster in the KAFKATENANT_* environment (make test runs
# it on the embedded cluster), creating and destroying a virtual cluster and
# the tenant. Names come from the command line, so that runs do not collide:
#   terraform test -filter=tests/cluster.tftest.hcl -var name=ktacc-payments -var virtual_cluster=ktacc-london

variables {
  password = "cluster-test-password-1"
  topics = {
    orders = { partitions = 3 }
    audit  = { partitions = 1, config = { "retention.ms" = "3600000" } }
  }
  quota   = { producer_byte_rate = 1000000 }
  budgets = { max_topics = 5 }
}

run "virtual_cluster" {
  module {
    source = "./tests/setup"
  }
}

run "create" {
  assert {
    condition     = output.topic_prefix == "${var.virtual_cluster}.${var.name}." && output.principal == "User:${var.virtual_cluster}.${var.name}"
    error_message = "the tenant's prefix is ${output.topic_prefix} and principal ${output.principal}"
  }
  assert {
    condition     = output.topics["orders"] == "${var.virtual_cluster}.${var.name}.orders"
    error_message = "the orders topic is ${output.topics["orders"]}"
  }
  assert {
    condition     = output.client_properties["sasl.username"] == "${var.virtual_cluster}.${var.name}"
    error_message = "the client properties do not name the tenant's user"
  }
}

run "on_the_cluster" {
  module {
    source = "./tests/read"
  }
  assert {
    condition     = data.kafkatenant_topics.this.names == tolist(["${var.virtual_cluster}.${var.name}.audit", "${var.virtual_cluster}.${var.name}.orders"])
    error_message = "the cluster holds the tenant's topics ${jsonencode(data.kafkatenant_topics.this.names)}"
  }
  assert {
    condition     = data.kafkatenant_tenant.this.usage.partitions == 4 && data.kafkatenant_tenant.this.budgets.max_topics == 5
    error_message = "the tenant uses ${jsonencode(data.kafkatenant_tenant.this.usage)} of ${jsonencode(data.kafkatenant_tenant.this.budgets)}"
  }
  assert {
    condition     = data.kafkatenant_virtual_cluster.this.tenants == tolist([var.name])
    error_message = "the virtual cluster's tenants are ${jsonencode(data.kafkatenant_virtual_cluster.this.tenants)}"
  }
  assert {
    condition     = data.kafkatenant_topic.audit.config == tomap({ "retention.ms" = "3600000" })
    error_message = "the audit topic's configs are ${jsonencode(data.kafkatenant_topic.audit.config)}"
  }
}

run "grow" {
  variables {
    topics = {
      orders = { partitions = 6 }
      audit  = { partitions = 1, config = { "retention.ms" = "3600000" } }
    }
  }
  assert {
    condition     = kafkatenant_topic.this["orders"].partitions == 6
    error_message = "the orders topic did not grow"
  }
}
