variable "name" {
  description = "The virtual cluster's name: 1 to 64 characters from a-z, A-Z, 0-9, '_' and '-'. Its tenants are registered as <name>-<key>."
  type        = string
}

variable "prefix" {
  description = "The prefix of every topic, consumer group and transactional id of its tenants; null for the name followed by '.'."
  type        = string
  default     = null
}

variable "bootstrap_servers" {
  description = "Broker addresses its tenants connect to, as host:port, when they differ from the provider's; null for the provider's."
  type        = list(string)
  default     = null
}

variable "capacity" {
  description = "The capacity envelope per broker, which the tenants' quotas and partitions must fit; null for none. Byte rates in bytes per second, partitions as partition replicas per broker."
  type = object({
    producer_byte_rate = optional(number)
    consumer_byte_rate = optional(number)
    request_percentage = optional(number)
    partitions         = optional(number)
  })
  default = null
}

variable "shared_topics" {
  description = "Existing topics outside the prefix that every tenant may read (never write)."
  type        = set(string)
  default     = null
}

variable "tenants" {
  description = <<-EOT
    Tenants by key, each with its principal (default User:<name>.<key>), a SCRAM credential unless
    scram is false (its password comes from passwords[key]; bump password_version to rotate it), its
    topics by local name (created as <prefix><key>.<local name>), its per-broker quota and its budgets.
  EOT
  type = map(object({
    principal        = optional(string)
    scram            = optional(bool, true)
    password_version = optional(number, 1)
    mechanism        = optional(string, "SCRAM-SHA-512")
    topics = optional(map(object({
      partitions         = number
      replication_factor = optional(number)
      config             = optional(map(string))
    })), {})
    quota = optional(object({
      producer_byte_rate       = optional(number)
      consumer_byte_rate       = optional(number)
      request_percentage       = optional(number)
      controller_mutation_rate = optional(number)
    }))
    budgets = optional(object({
      max_topics          = optional(number)
      max_partitions      = optional(number)
      max_retention_bytes = optional(number)
    }))
    force_destroy = optional(bool, false)
  }))
  default = {}

  validation {
    condition     = alltrue([for key in keys(var.tenants) : can(regex("^[a-zA-Z0-9_-]{1,64}$", key))])
    error_message = "Each tenant key must be 1 to 64 characters from a-z, A-Z, 0-9, '_' and '-'."
  }
}

variable "passwords" {
  description = "SCRAM passwords by tenant key, for every tenant whose scram is true. Ephemeral: they reach the cluster and nothing else, not even the plan file."
  type        = map(string)
  default     = {}
  sensitive   = true
  ephemeral   = true
}
