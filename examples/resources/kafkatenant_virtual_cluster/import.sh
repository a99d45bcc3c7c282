# Virtual clusters are imported by name, from the registry topic.
terraform import kafkatenant_virtual_cluster.london london
