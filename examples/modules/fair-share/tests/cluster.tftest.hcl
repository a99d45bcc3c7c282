# Runs against the cluster in the KAFKATENANT_* environment (make test runs
# it on the embedded cluster), creating a virtual cluster with two tenants
# and sharing its envelope between them, then destroying everything. The
# name comes from the command line, so that runs do not collide:
#   terraform test -filter=tests/cluster.tftest.hcl -var name=ktacc-shop

run "setup" {
  module {
    source = "./tests/setup"
  }
}

run "share_by_weight" {
  variables {
    virtual_cluster = run.setup.virtual_cluster
    keys            = ["producer_byte_rate"]
    tenants = {
      (run.setup.small) = { weight = 1 }
      (run.setup.large) = { weight = 3 }
    }
  }
  assert {
    condition     = kafkatenant_quota.this[run.setup.small].producer_byte_rate == 20000000 && kafkatenant_quota.this[run.setup.large].producer_byte_rate == 60000000
    error_message = "the 80 MB/s envelope was shared as ${jsonencode(output.quotas)}, want 20 and 60 MB/s"
  }
}

run "a_floor_moves_the_share" {
  variables {
    virtual_cluster = run.setup.virtual_cluster
    keys            = ["producer_byte_rate"]
    tenants = {
      (run.setup.small) = { weight = 1, floor = { producer_byte_rate = 30000000 } }
      (run.setup.large) = { weight = 3 }
    }
  }
  assert {
    condition     = kafkatenant_quota.this[run.setup.small].producer_byte_rate == 30000000 && kafkatenant_quota.this[run.setup.large].producer_byte_rate == 50000000
    error_message = "with a 30 MB/s floor the envelope was shared as ${jsonencode(output.quotas)}, want 30 and 50 MB/s"
  }
}
