# Quotas are imported by entity, as Kafka names them.
terraform import kafkatenant_quota.payments 'user=london.payments'
terraform import kafkatenant_quota.payments_batch 'user=london.payments,client-id=batch-loader'
terraform import kafkatenant_quota.default_user 'user=<default>'
