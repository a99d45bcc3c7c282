package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// cluster is what resources need from Kafka. *kafka.Client implements it;
// unit tests substitute fakes.
type cluster interface {
	AlterTopicConfigs(ctx context.Context, name string, set map[string]string, reset []string) error
	Brokers(ctx context.Context) ([]int32, error)
	CreateACLs(ctx context.Context, acls []kafka.ACL) error
	CreateTopic(ctx context.Context, spec kafka.TopicSpec) (kafka.TopicDescription, error)
	DeleteACLs(ctx context.Context, acls []kafka.ACL) error
	DeleteRecord(ctx context.Context, kind, name string) error
	DeleteSCRAM(ctx context.Context, user, mechanism string) error
	DeleteTopic(ctx context.Context, name string) error
	AlterQuota(ctx context.Context, entity []kafka.QuotaComponent, set map[string]float64, remove []string, validateOnly bool) error
	DescribeACLs(ctx context.Context, principal string) ([]kafka.ACL, error)
	DescribeQuota(ctx context.Context, entity []kafka.QuotaComponent) (map[string]float64, error)
	DescribeQuotas(ctx context.Context) ([]kafka.ClientQuota, error)
	DescribeSCRAM(ctx context.Context, user string) ([]kafka.SCRAMCredential, error)
	DescribeTopic(ctx context.Context, name string) (kafka.TopicDescription, error)
	ListSCRAMUsers(ctx context.Context) ([]string, error)
	ListTopics(ctx context.Context) (map[string]int32, error)
	TopicReplicas(ctx context.Context) (map[string]int, error)
	PartitionLeaders(ctx context.Context, topics []string) ([]int32, error)
	PutRecord(ctx context.Context, kind, name string, spec any) (int64, error)
	RefreshRegistry(ctx context.Context) (kafka.RegistrySnapshot, error)
	Registry(ctx context.Context) (kafka.RegistrySnapshot, error)
	RegistryTopic() string
	SetPartitions(ctx context.Context, name string, total int32) error
	SetReplicationFactor(ctx context.Context, name string, rf int16) error
	SupportsIdempotentWriteByTopic(ctx context.Context) (bool, error)
	TopicConfigKeys(ctx context.Context) (map[string]bool, error)
	UpsertSCRAM(ctx context.Context, user, mechanism string, iterations int32, password string) error
}

var _ cluster = (*kafka.Client)(nil)

// providerData is the one value Configure hands to every resource and data
// source.
type providerData struct {
	// client is nil while unknown is true.
	client cluster
	// connection is the resolved connection configuration; its String
	// method redacts secrets.
	connection kafka.Config
	// unknown is set when connection settings were not known at plan time;
	// checks that need the cluster are skipped until apply.
	unknown bool
	// capacity is the declared broker capacity; capacityDeclared is false
	// when the provider declares none, which turns capacity checks off.
	capacity         tenancy.Capacity
	capacityDeclared bool
	// metrics is where observed traffic and throttling come from.
	metrics metricsConfig
	// quotaMu serialises this process's quota writes with their capacity
	// re-checks: Terraform applies resources in parallel, and two quotas
	// that fit alone must not both be written when together they do not.
	quotaMu sync.Mutex
	// noCapacityWarned makes the "no capacity declared" warning appear
	// once per plan rather than once per quota.
	noCapacityWarned sync.Once
	// replicas caches the cluster's partition replicas for plan-time
	// partition checks.
	replicas replicaCache
	// idempotent caches whether tenants need IDEMPOTENT_WRITE on the
	// cluster.
	idempotent idempotentACL
	// tenantLocks serialises, per tenant, the budget check and creation of
	// its topics within this process (Terraform creates resources in
	// parallel).
	tenantLocks sync.Map
}

// lockTenant takes the tenant's lock and returns its release.
func (d *providerData) lockTenant(name string) func() {
	mu, _ := d.tenantLocks.LoadOrStore(name, &sync.Mutex{})
	m := mu.(*sync.Mutex)
	m.Lock()
	return m.Unlock
}

// providerDataFrom converts the value Configure stored, reporting the
// framework's standard error when it has the wrong type. A nil result with
// no error means the provider is not configured yet (early validation).
func providerDataFrom(v any, diags *diag.Diagnostics) *providerData {
	if v == nil {
		return nil
	}
	d, ok := v.(*providerData)
	if !ok {
		diags.AddError("Unexpected Resource Configure Type",
			fmt.Sprintf("Expected *provider.providerData, got: %T. Please report this issue to the provider developers.", v))
		return nil
	}
	return d
}

// canReachCluster reports whether plan-time checks can read the cluster.
func (d *providerData) canReachCluster() bool {
	return d != nil && !d.unknown && d.client != nil
}
