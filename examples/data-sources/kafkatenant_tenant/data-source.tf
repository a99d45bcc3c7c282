# In a product team's workspace: the tenant the platform's workspace
# created, read without owning it.
data "kafkatenant_tenant" "payments" {
  name = "payments"
}

# What the team's applications need to connect, besides the password the
# platform hands over through a secret store.
output "client_properties" {
  value = data.kafkatenant_tenant.payments.client_properties
}

# Name new topics inside the tenant's namespace.
output "orders_topic" {
  value = provider::kafkatenant::topic_name(data.kafkatenant_tenant.payments.topic_prefix, "orders")
}

# What is left of the topic budget, when the tenant has one.
output "topics_left" {
  value = try(data.kafkatenant_tenant.payments.budgets.max_topics - data.kafkatenant_tenant.payments.usage.topics, null)
}
