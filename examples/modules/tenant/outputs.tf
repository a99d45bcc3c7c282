output "principal" {
  description = "The tenant's Kafka principal."
  value       = kafkatenant_tenant.this.principal
}

output "username" {
  description = "The SASL user name its applications log in with."
  value       = kafkatenant_tenant.this.username
}

output "topic_prefix" {
  description = "The prefix the tenant owns for topics."
  value       = kafkatenant_tenant.this.topic_prefix
}

output "group_prefix" {
  description = "The prefix the tenant owns for consumer groups."
  value       = kafkatenant_tenant.this.group_prefix
}

output "topics" {
  description = "Full topic names by local name."
  value       = { for k, t in kafkatenant_topic.this : k => t.name }
}

output "client_properties" {
  description = "Client settings for the tenant's applications, without the password."
  value       = kafkatenant_tenant.this.client_properties
}

output "name" {
  description = "The tenant's name, for data sources that take tenants by name, such as kafkatenant_fair_share."
  value       = kafkatenant_tenant.this.name
}
