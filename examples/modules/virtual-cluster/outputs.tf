output "name" {
  description = "The virtual cluster's name."
  value       = kafkatenant_virtual_cluster.this.name
}

output "prefix" {
  description = "The prefix all its tenants live under."
  value       = kafkatenant_virtual_cluster.this.prefix
}

output "client_properties" {
  description = "Client settings for the virtual cluster's teams (bootstrap servers, security protocol, SASL mechanism), without any password."
  value       = kafkatenant_virtual_cluster.this.client_properties
}

output "allocated" {
  description = "What the tenants' quotas and partitions hold of each envelope dimension, per broker, counting every quota on the cluster, read after this module's changes are applied; null without an envelope."
  value       = data.kafkatenant_virtual_cluster.this.allocated
}

output "free" {
  description = "What is left of each envelope dimension, per broker (the envelope minus allocated); null without an envelope."
  value       = data.kafkatenant_virtual_cluster.this.free
}

output "tenants" {
  description = "Per tenant key: its registered name, principal, SASL user name, prefixes and client settings (never the password)."
  value = {
    for key, t in kafkatenant_tenant.this : key => {
      name                    = t.name
      principal               = t.principal
      username                = t.username
      topic_prefix            = t.topic_prefix
      group_prefix            = t.group_prefix
      transactional_id_prefix = t.transactional_id_prefix
      client_properties       = t.client_properties
    }
  }
}

output "topics" {
  description = "Full topic names, per tenant key and local name."
  value = {
    for key in keys(var.tenants) : key => {
      for id, topic in local.topics : topic.local_name => kafkatenant_topic.this[id].name if topic.tenant == key
    }
  }
}
