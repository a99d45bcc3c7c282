import {
  to       = kafkatenant_virtual_cluster.london
  identity = { name = "london" }
}
