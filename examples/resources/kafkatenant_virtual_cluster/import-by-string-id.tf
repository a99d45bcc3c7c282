import {
  to = kafkatenant_virtual_cluster.london
  id = "london"
}
