# `make demo` copies this file into the applied configuration and expects the
# plan to be refused: a batch importer asking for 100 MB/s per broker on top
# of the 90 MB/s the three tenants already hold, against 160 MB/s usable.
resource "kafkatenant_quota" "batch_importer" {
  user               = "batch-importer"
  producer_byte_rate = 100000000
}
