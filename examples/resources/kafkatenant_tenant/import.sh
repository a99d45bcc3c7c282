# Tenants are imported by name, from the registry topic. The password cannot
# be read back: the first apply after import sets it from password_wo.
terraform import kafkatenant_tenant.payments payments
