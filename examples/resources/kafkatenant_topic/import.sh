# Topics are imported by name.
terraform import kafkatenant_topic.orders payments.orders
