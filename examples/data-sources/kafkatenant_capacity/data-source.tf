data "kafkatenant_capacity" "cluster" {}

output "producer_free_per_broker" {
  value = data.kafkatenant_capacity.cluster.free["producer_byte_rate"]
}

output "london" {
  value = data.kafkatenant_capacity.cluster.virtual_clusters["london"]
}

output "unbounded" {
  value = data.kafkatenant_capacity.cluster.unbounded
}
