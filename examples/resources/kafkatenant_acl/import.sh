# ACLs are imported by their binding:
# resource_type|pattern_type|resource_name|principal|host|operation|permission.
# Principals keep their ':' and ','; a '|' or '%' inside a field is written %7C or %25.
terraform import kafkatenant_acl.connect_reads_payments 'TOPIC|PREFIXED|london.payments.|User:CN=connect,OU=platform|*|READ|ALLOW'
