data "kafkatenant_virtual_cluster" "london" {
  name = "london"
}

output "london" {
  value = {
    prefix            = data.kafkatenant_virtual_cluster.london.prefix
    tenants           = data.kafkatenant_virtual_cluster.london.tenants
    shared_topics     = data.kafkatenant_virtual_cluster.london.shared_topics
    bootstrap_servers = data.kafkatenant_virtual_cluster.london.client_properties["bootstrap.servers"]
    # Producer bytes per second per broker still free in the envelope.
    producer_free = try(data.kafkatenant_virtual_cluster.london.free["producer_byte_rate"], null)
  }
}
