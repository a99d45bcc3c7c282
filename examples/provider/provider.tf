# Connection settings can come from the provider block or from KAFKATENANT_*
# environment variables; a value in the block wins. Keep the password in
# the environment (KAFKATENANT_SASL_PASSWORD) so that no file holds it.
provider "kafkatenant" {
  bootstrap_servers = ["broker-1.kafka.internal:9092", "broker-2.kafka.internal:9092", "broker-3.kafka.internal:9092"]
  timeout           = "45s"

  sasl = {
    mechanism = "SCRAM-SHA-512"
    username  = "kafkatenant-admin"
  }

  tls = {
    ca_pem = file("${path.module}/kafka-ca.pem")
  }
}
