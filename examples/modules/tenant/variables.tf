variable "name" {
  description = "The tenant's name: 1 to 64 characters from a-z, A-Z, 0-9, '_' and '-'."
  type        = string
}

variable "virtual_cluster" {
  description = "The virtual cluster the tenant lives in, or null for none. Pass the virtual cluster resource's name so Terraform orders the two."
  type        = string
  default     = null
}

variable "password" {
  description = "The tenant's SCRAM password. Ephemeral: it reaches the cluster and nothing else, not even the plan file."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "password_version" {
  description = "Bump to rotate the password: Terraform cannot compare a value it never stores."
  type        = number
  default     = 1
}

variable "mechanism" {
  description = "SCRAM-SHA-256 or SCRAM-SHA-512."
  type        = string
  default     = "SCRAM-SHA-512"
}

variable "topics" {
  description = "Topics by local name; each is created as <topic_prefix><local name>."
  type = map(object({
    partitions         = number
    replication_factor = optional(number)
    config             = optional(map(string))
  }))
  default = {}
}

variable "quota" {
  description = "The tenant's per-broker client quota; null leaves it unbounded (the plan warns when capacity is declared)."
  type = object({
    producer_byte_rate       = optional(number)
    consumer_byte_rate       = optional(number)
    request_percentage       = optional(number)
    controller_mutation_rate = optional(number)
  })
  default = null
}

variable "budgets" {
  description = "Limits on the tenant's topics, counted over every topic under its prefix."
  type = object({
    max_topics          = optional(number)
    max_partitions      = optional(number)
    max_retention_bytes = optional(number)
  })
  default = null
}

variable "force_destroy" {
  description = "Destroy the tenant even if topics created outside this module remain under its prefix, deleting them."
  type        = bool
  default     = false
}
