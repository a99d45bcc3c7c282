# A virtual cluster for the London teams. Its tenants live under "london.",
# share the platform's fx-rates topic read-only, and may together hold at
# most the envelope below on each broker.
resource "kafkatenant_virtual_cluster" "london" {
  name = "london"

  capacity = {
    producer_byte_rate = 50000000  # 50 MB/s per broker
    consumer_byte_rate = 100000000 # 100 MB/s per broker
    request_percentage = 200
    partitions         = 400
  }

  shared_topics = [kafkatenant_topic.fx_rates.name]
}

resource "kafkatenant_topic" "fx_rates" {
  name       = "platform.fx-rates"
  partitions = 6
}

output "london_client_properties" {
  value = kafkatenant_virtual_cluster.london.client_properties
}
