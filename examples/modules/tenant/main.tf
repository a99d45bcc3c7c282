resource "kafkatenant_tenant" "this" {
  name            = var.name
  virtual_cluster = var.virtual_cluster
  budgets         = var.budgets
  force_destroy   = var.force_destroy

  credentials = {
    mechanism           = var.mechanism
    password_wo         = var.password
    password_wo_version = var.password_version
  }
}

resource "kafkatenant_topic" "this" {
  for_each = var.topics

  name               = provider::kafkatenant::topic_name(kafkatenant_tenant.this.topic_prefix, each.key)
  tenant             = kafkatenant_tenant.this.name
  partitions         = each.value.partitions
  replication_factor = each.value.replication_factor
  config             = each.value.config
}

resource "kafkatenant_quota" "this" {
  count = var.quota == null ? 0 : 1

  tenant                   = kafkatenant_tenant.this.name
  producer_byte_rate       = var.quota.producer_byte_rate
  consumer_byte_rate       = var.quota.consumer_byte_rate
  request_percentage       = var.quota.request_percentage
  controller_mutation_rate = var.quota.controller_mutation_rate
}
