// Package tenancy holds kafkatenant's pure rules: quota entities and keys as
// Kafka validates them, Kafka's eight-level quota precedence, the usable
// capacity derived from what the platform team declares about its brokers,
// the count of quota buckets Kafka would enforce against that capacity, and
// the throttle status of a tenant.
//
// Nothing here talks to Kafka or Terraform. The provider reads the cluster
// (quotas, principals, partitions) through internal/kafka, hands plain
// values to this package, and turns the errors it returns into
// diagnostics. Every error text is written for the operator who reads it in
// a plan: it names the value at fault, shows the arithmetic, and says how
// to fix it.
//
// Byte rates are bytes per second and are shown in decimal megabytes
// (1 MB = 10^6 bytes) with the exact integer beside them, so that a figure
// in an error can be pasted back into configuration.
package tenancy
