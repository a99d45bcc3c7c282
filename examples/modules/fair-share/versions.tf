terraform {
  required_version = ">= 1.11"

  required_providers {
    kafkatenant = {
      source = "kafkatenant/kafkatenant"
    }
  }
}
