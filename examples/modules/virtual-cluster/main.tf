locals {
  prefix = kafkatenant_virtual_cluster.this.prefix

  # Every topic of every tenant, keyed "<tenant key>/<local name>".
  topics = merge([
    for key, tenant in var.tenants : {
      for local_name, topic in tenant.topics : "${key}/${local_name}" => merge(topic, { tenant = key, local_name = local_name })
    }
  ]...)
}

resource "kafkatenant_virtual_cluster" "this" {
  name              = var.name
  prefix            = var.prefix
  bootstrap_servers = var.bootstrap_servers
  capacity          = var.capacity
  shared_topics     = var.shared_topics
}

# Tenants are registered as <name>-<key>, so that two virtual clusters may
# each have a tenant with the same key; their principals and prefixes are
# the ones the key alone would give.
resource "kafkatenant_tenant" "this" {
  for_each = var.tenants

  name                    = "${kafkatenant_virtual_cluster.this.name}-${each.key}"
  virtual_cluster         = kafkatenant_virtual_cluster.this.name
  principal               = coalesce(each.value.principal, "User:${kafkatenant_virtual_cluster.this.name}.${each.key}")
  topic_prefix            = "${local.prefix}${each.key}."
  group_prefix            = "${local.prefix}${each.key}."
  transactional_id_prefix = "${local.prefix}${each.key}."
  budgets                 = each.value.budgets
  force_destroy           = each.value.force_destroy

  credentials = each.value.scram ? {
    mechanism           = each.value.mechanism
    password_wo         = lookup(var.passwords, each.key, null)
    password_wo_version = each.value.password_version
  } : null

  lifecycle {
    precondition {
      condition     = !each.value.scram || lookup(var.passwords, each.key, null) != null
      error_message = "Tenant ${each.key} has a SCRAM credential but passwords has no entry for it: add its password, or set scram = false for a tenant authenticated otherwise (mTLS, OAuth)."
    }
  }
}

resource "kafkatenant_topic" "this" {
  for_each = local.topics

  name               = provider::kafkatenant::topic_name(kafkatenant_tenant.this[each.value.tenant].topic_prefix, each.value.local_name)
  tenant             = kafkatenant_tenant.this[each.value.tenant].name
  partitions         = each.value.partitions
  replication_factor = each.value.replication_factor
  config             = each.value.config
}

resource "kafkatenant_quota" "this" {
  for_each = { for key, tenant in var.tenants : key => tenant.quota if tenant.quota != null }

  tenant                   = kafkatenant_tenant.this[each.key].name
  producer_byte_rate       = each.value.producer_byte_rate
  consumer_byte_rate       = each.value.consumer_byte_rate
  request_percentage       = each.value.request_percentage
  controller_mutation_rate = each.value.controller_mutation_rate
}

# Read after every tenant, topic and quota of the module is applied, so
# that the allocation outputs count them (the resource's own allocated and
# free are as of its last refresh).
data "kafkatenant_virtual_cluster" "this" {
  name       = kafkatenant_virtual_cluster.this.name
  depends_on = [kafkatenant_tenant.this, kafkatenant_topic.this, kafkatenant_quota.this]
}
