variable "virtual_cluster" {
  description = "The virtual cluster whose envelope is shared, or null to share the whole cluster's declared capacity. Pass the virtual cluster resource's name so Terraform orders the two."
  type        = string
  default     = null
}

variable "tenants" {
  description = "The tenants taking part, by tenant name (pass the tenant module's name output so Terraform orders them): weight (default 1), and optional floor and ceiling per quota key."
  type = map(object({
    weight  = optional(number)
    floor   = optional(map(number))
    ceiling = optional(map(number))
  }))
}

variable "keys" {
  description = "The quota keys to share (producer_byte_rate, consumer_byte_rate, request_percentage); null for every key the scope bounds."
  type        = set(string)
  default     = null
}

variable "demand" {
  description = "Follow observed demand from the provider's metrics source: headroom over the peak (default 1.2) and, with Prometheus, a window such as \"1h\". Null shares by weight alone."
  type = object({
    headroom = optional(number)
    window   = optional(string)
  })
  default = null
}

variable "hysteresis" {
  description = "Quota changes smaller than this fraction of the current quota are not proposed (default 0.05)."
  type        = number
  default     = null
}
