package main

import (
	"fmt"
	"math"
	"strings"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// The tenant-onboarding job: what a platform team's workspace declares
// once it serves many teams. Ten virtual clusters with capacity envelopes,
// and T tenants dealt round-robin among them, each with a SCRAM credential,
// a quota and four topics: 10 + 6T resources.
const (
	jobVirtualClusters = 10
	vcNameFormat       = benchPrefix + "vc%d"
	tenantNameFormat   = benchPrefix + "t%05d"
)

// jobTopics are the local names of every tenant's topics.
var jobTopics = []string{"orders", "payments", "events", "audit"}

var jobWorkload = workload{
	name:         "job",
	title:        "tenant-onboarding job (T tenants in 10 virtual clusters, each with a credential, a quota and 4 topics) vs terraform_data",
	sizeFlag:     "tenants",
	sizeLabel:    "T",
	defaultSizes: "100",
	sizeUsage:    "comma-separated tenant counts for the job workload (10 + 6T resources each)",
	resources:    jobResources,
	provider:     jobProviderConfig,
	floor:        jobFloorConfig,
	phases:       []phase{applyPhase, plans(3), plans(2, "-refresh=false"), destroyPhase},
	expect:       jobInventory,
}

// jobResources is the resource count of the job with t tenants.
func jobResources(t int) int { return jobVirtualClusters + t*(2+len(jobTopics)) }

// jobCapacity is the broker capacity the job's provider block declares:
// the demo's brokers (600 MB/s disks, 10 Gbit/s network, replication
// factor 3, 20% headroom), so that every quota and topic is checked.
// partitions_per_broker depends on the tenant count and is set by sizeJob.
var jobCapacity = tenancy.Capacity{
	DiskWriteBytesPerSecond:  600e6,
	NetworkInBytesPerSecond:  1250e6,
	NetworkOutBytesPerSecond: 1250e6,
	ReplicationFactor:        3,
	IOThreads:                8,
	NetworkThreads:           3,
	Headroom:                 0.2,
}

// jobSizing is what the job's configuration declares for t tenants.
type jobSizing struct {
	// capacity is the provider's declared capacity.
	capacity tenancy.Capacity
	// envelope is every virtual cluster's envelope: a tenth of the usable
	// capacity, rounded down to whole MB/s and percent.
	envelope tenancy.Envelope
	// quota is every tenant's quota: its virtual cluster's envelope shared
	// by the tenants of the fullest virtual cluster, rounded down to whole
	// bytes per second and quarter percents. Quarters add up exactly in
	// floating point: hundredths would not (50 × 1.76 sums to a hair over
	// 88), and a sum a hair over the envelope fails the virtual cluster's
	// plan.
	producer, consumer, request float64
}

// sizeJob sizes the job for t tenants so that it fits: the quotas of each
// virtual cluster's tenants fit its envelope, and the envelopes together
// fit the declared capacity. Each tenant's four one-partition topics at
// replication factor 3 place four replicas on each of the embedded
// cluster's three brokers; the envelope allows ten per tenant and the
// declared capacity ten envelopes and a thousand more, for topics outside
// the virtual clusters such as the registry.
func sizeJob(t int) jobSizing {
	perVC := (t + jobVirtualClusters - 1) / jobVirtualClusters
	s := jobSizing{capacity: jobCapacity}
	s.capacity.PartitionsPerBroker = jobVirtualClusters*10*perVC + 1000
	share := func(key tenancy.QuotaKey, unit float64) float64 {
		usable, _ := s.capacity.Usable(key)
		return math.Floor(usable/jobVirtualClusters/unit) * unit
	}
	s.envelope = tenancy.Envelope{
		ProducerByteRate:  share(tenancy.ProducerByteRate, 1e6),
		ConsumerByteRate:  share(tenancy.ConsumerByteRate, 1e6),
		RequestPercentage: share(tenancy.RequestPercentage, 1),
		Partitions:        10 * perVC,
	}
	s.producer = math.Floor(s.envelope.ProducerByteRate / float64(perVC))
	s.consumer = math.Floor(s.envelope.ConsumerByteRate / float64(perVC))
	s.request = math.Floor(s.envelope.RequestPercentage*4/float64(perVC)) / 4
	return s
}

// envelopeHCL renders the envelope's attributes, one a line.
func (s jobSizing) envelopeHCL(indent string) string {
	return fmt.Sprintf("%[1]sproducer_byte_rate = %.0[2]f\n%[1]sconsumer_byte_rate = %.0[3]f\n%[1]srequest_percentage = %[4]v\n%[1]spartitions         = %[5]d\n",
		indent, s.envelope.ProducerByteRate, s.envelope.ConsumerByteRate, s.envelope.RequestPercentage, s.envelope.Partitions)
}

// quotaHCL renders a tenant quota's values, one a line.
func (s jobSizing) quotaHCL(indent string) string {
	return fmt.Sprintf("%[1]sproducer_byte_rate = %.0[2]f\n%[1]sconsumer_byte_rate = %.0[3]f\n%[1]srequest_percentage = %[4]v\n",
		indent, s.producer, s.consumer, s.request)
}

// jobLocals names the job's objects, the same in both workdirs: the
// virtual clusters, the tenants by name with their virtual cluster, and
// every tenant's topics keyed "<tenant>/<topic>".
func jobLocals(t int) string {
	quoted := make([]string, len(jobTopics))
	for i, name := range jobTopics {
		quoted[i] = fmt.Sprintf("%q", name)
	}
	return fmt.Sprintf(`locals {
  virtual_clusters = [for i in range(%d) : format(%q, i)]
  tenants          = { for i in range(%d) : format(%q, i) => local.virtual_clusters[i %% %d] }
  topics = merge([
    for tenant in keys(local.tenants) : {
      for topic in [%s] : "${tenant}/${topic}" => { tenant = tenant, topic = topic }
    }
  ]...)
}
`, jobVirtualClusters, vcNameFormat, t, tenantNameFormat, jobVirtualClusters, strings.Join(quoted, ", "))
}

// jobProviderConfig declares the job as a platform team writes it: the
// capacity in the provider block, for_each over the tenants, topic names
// from the topic_name function and the tenant's prefix, and the password
// from an ephemeral variable (given a default here, where a real workspace
// reads a secret store).
func jobProviderConfig(t int) string {
	s := sizeJob(t)
	c := s.capacity
	return fmt.Sprintf(`%s
provider "kafkatenant" {
  capacity = {
    disk_write_bytes_per_second  = %.0f
    network_in_bytes_per_second  = %.0f
    network_out_bytes_per_second = %.0f
    replication_factor           = %d
    io_threads                   = %d
    network_threads              = %d
    partitions_per_broker        = %d
    headroom                     = %v
  }
}

variable "tenant_password" {
  type      = string
  sensitive = true
  ephemeral = true
  default   = "ktbench-tenant-password"
}

%s
resource "kafkatenant_virtual_cluster" "bench" {
  for_each = toset(local.virtual_clusters)

  name = each.key
  capacity = {
%s  }
}

resource "kafkatenant_tenant" "bench" {
  for_each = local.tenants

  name            = each.key
  virtual_cluster = kafkatenant_virtual_cluster.bench[each.value].name
  credentials = {
    password_wo         = var.tenant_password
    password_wo_version = 1
  }
}

resource "kafkatenant_quota" "bench" {
  for_each = local.tenants

  tenant             = kafkatenant_tenant.bench[each.key].name
%s}

resource "kafkatenant_topic" "bench" {
  for_each = local.topics

  name               = provider::kafkatenant::topic_name(kafkatenant_tenant.bench[each.value.tenant].topic_prefix, each.value.topic)
  tenant             = kafkatenant_tenant.bench[each.value.tenant].name
  partitions         = 1
  replication_factor = 3
  config = {
    "retention.ms" = "3600000"
  }
}
`, requiredProviders, c.DiskWriteBytesPerSecond, c.NetworkInBytesPerSecond, c.NetworkOutBytesPerSecond, c.ReplicationFactor,
		c.IOThreads, c.NetworkThreads, c.PartitionsPerBroker, c.Headroom,
		jobLocals(t), s.envelopeHCL("    "), s.quotaHCL("  "))
}

// jobFloorConfig declares the job's resources as terraform_data, with the
// same keys, comparable inputs and the same references: tenants on their
// virtual cluster, quotas and topics on their tenant.
func jobFloorConfig(t int) string {
	s := sizeJob(t)
	return fmt.Sprintf(`%s
resource "terraform_data" "virtual_cluster" {
  for_each = toset(local.virtual_clusters)

  input = {
    name   = each.key
    prefix = "${each.key}."
    capacity = {
%s    }
  }
}

resource "terraform_data" "tenant" {
  for_each = local.tenants

  input = {
    name                = each.key
    virtual_cluster     = terraform_data.virtual_cluster[each.value].input.name
    topic_prefix        = "${terraform_data.virtual_cluster[each.value].input.prefix}${each.key}."
    password_wo_version = 1
  }
}

resource "terraform_data" "quota" {
  for_each = local.tenants

  input = {
    tenant             = terraform_data.tenant[each.key].input.name
%s  }
}

resource "terraform_data" "topic" {
  for_each = local.topics

  input = {
    name               = "${terraform_data.tenant[each.value.tenant].input.topic_prefix}${each.value.topic}"
    tenant             = terraform_data.tenant[each.value.tenant].input.name
    partitions         = 1
    replication_factor = 3
    retention_ms       = "3600000"
  }
}
`, jobLocals(t), s.envelopeHCL("      "), s.quotaHCL("    "))
}

// jobInventory is what the cluster holds once the job with t tenants is
// applied: each tenant's topics, SCRAM user, ACLs, quota and registry
// record, and the virtual clusters' records. The names follow the
// provider's documented defaults: a virtual cluster's prefix is its name
// and ".", a tenant's user is "<virtual cluster>.<tenant>" and its topic
// prefix that user and ".".
func jobInventory(t int, applied bool) inventory {
	inv := inventory{}
	if !applied {
		return inv
	}
	s := sizeJob(t)
	for i := range jobVirtualClusters {
		inv.add(kindVirtualClusterRecord, fmt.Sprintf(vcNameFormat, i))
	}
	for i := range t {
		tenant := fmt.Sprintf(tenantNameFormat, i)
		user := fmt.Sprintf(vcNameFormat, i%jobVirtualClusters) + "." + tenant
		inv.add(kindTenantRecord, tenant)
		inv.add(kindSCRAMUser, user)
		inv.add(kindACLPrincipal, "User:"+user)
		inv.add(kindQuota, quotaLine("user="+user, map[string]float64{
			string(tenancy.ProducerByteRate):  s.producer,
			string(tenancy.ConsumerByteRate):  s.consumer,
			string(tenancy.RequestPercentage): s.request,
		}))
		for _, topic := range jobTopics {
			inv.add(kindTopic, user+"."+topic)
		}
	}
	return inv
}
