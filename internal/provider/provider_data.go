package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// cluster is what resources need from Kafka. *kafka.Client implements it;
// unit tests substitute fakes.
//
// Snapshot serves plan-time reads (Read, ModifyPlan, data sources) from one
// load of the cluster per provider process; the other read methods ask the
// cluster afresh, for the checks made while applying.
type cluster interface {
	AlterQuota(ctx context.Context, entity []kafka.QuotaComponent, set map[string]float64, remove []string, validateOnly bool) error
	AlterTopicConfigs(ctx context.Context, name string, set map[string]string, reset []string) error
	CreateACLs(ctx context.Context, acls []kafka.ACL) error
	CreateTopic(ctx context.Context, spec kafka.TopicSpec) (kafka.TopicDescription, error)
	DeleteACLs(ctx context.Context, acls []kafka.ACL) error
	DeleteRecord(ctx context.Context, kind, name string) error
	DeleteSCRAM(ctx context.Context, user, mechanism string) error
	DeleteTopic(ctx context.Context, name string) error
	DescribeACLs(ctx context.Context, principal string) ([]kafka.ACL, error)
	DescribeQuota(ctx context.Context, entity []kafka.QuotaComponent) (map[string]float64, error)
	DescribeQuotas(ctx context.Context) ([]kafka.ClientQuota, error)
	DescribeTopic(ctx context.Context, name string) (kafka.TopicDescription, error)
	ListSCRAMUsers(ctx context.Context) ([]string, error)
	ListTopics(ctx context.Context) (map[string]int32, error)
	PartitionLeaders(ctx context.Context, topics []string) ([]int32, error)
	PutRecord(ctx context.Context, kind, name string, spec any) (int64, error)
	RefreshRegistry(ctx context.Context) (kafka.RegistrySnapshot, error)
	RegistryTopic() string
	SetPartitions(ctx context.Context, name string, total int32) error
	SetReplicationFactor(ctx context.Context, name string, rf int16) error
	Snapshot(ctx context.Context) (*kafka.Snapshot, error)
	SnapshotLoaded() bool
	TopicConfigKeys(ctx context.Context) (map[string]bool, error)
	TopicReplicas(ctx context.Context) (map[string]int, error)
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
	// destroying is set when the Terraform command that started this
	// process destroys the configuration: no plan-time rule runs then.
	destroying bool
	// capacity is the declared broker capacity; capacityDeclared is false
	// when the provider declares none, which turns capacity checks off.
	capacity         tenancy.Capacity
	capacityDeclared bool
	// metrics is where observed traffic and throttling come from.
	metrics metricsConfig
	// ledger records what this process's plan proposes, so that each
	// resource is checked against the others planned before it.
	ledger *tenancy.Ledger
	// registry caches the decoded registry, per registry generation.
	registry registryCache
	// quotaWrites holds what this process wrote to quotas, so that
	// concurrent quota writes in one apply count each other.
	quotaWrites quotaReservations
	// spreads holds the cluster-scope quotas this process writes, which
	// topics created after them divide again.
	spreads clusterSpreads
	// noCapacityWarned makes the "no capacity declared" warning appear
	// once per plan rather than once per quota.
	noCapacityWarned sync.Once
	// tenantLocks serialises, per tenant, the budget check and creation of
	// its topics within this process (Terraform creates resources in
	// parallel).
	tenantLocks sync.Map
	// down holds the first failure that showed the cluster not answering
	// in this run; later calls fail at once instead of each waiting for
	// the timeout again.
	downMu sync.Mutex
	down   error
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

// snapshot returns the process's snapshot of the cluster and notes the
// activity for the ledger.
func (d *providerData) snapshot(ctx context.Context) (*kafka.Snapshot, error) {
	d.ledger.Touch()
	return d.client.Snapshot(ctx)
}

// begin starts a call from Terraform: it bounds the whole call, however
// many requests it makes, by the provider's timeout, and notes the call
// under way for the ledger's Settle. The returned function ends it.
//
// Once a call has found the cluster not answering, later calls of the same
// run start with their context already ended, so that a run against a
// dead or frozen cluster fails within about one timeout rather than one
// timeout per resource.
func (d *providerData) begin(ctx context.Context) (context.Context, func()) {
	if d == nil || d.ledger == nil {
		return ctx, func() {}
	}
	done := d.ledger.Begin()
	ctx, cancel := context.WithTimeout(ctx, d.connection.EffectiveTimeout())
	if d.unavailable() != nil {
		cancel()
	}
	return ctx, func() {
		cancel()
		done()
	}
}

// unavailable returns the failure that showed the cluster not answering
// earlier in this run, or nil.
func (d *providerData) unavailable() error {
	d.downMu.Lock()
	defer d.downMu.Unlock()
	return d.down
}

// clusterError reports a failed call to the cluster, explaining a call
// that ran out of time with the brokers and the timeout, and one not
// attempted because the cluster had stopped answering.
func (d *providerData) clusterError(diags *diag.Diagnostics, action string, err error) {
	if d == nil {
		clusterError(diags, action, err)
		return
	}
	if down := d.unavailable(); down != nil && errors.Is(err, context.Canceled) {
		clusterUnavailable(diags, action, down)
		return
	}
	if errors.Is(err, context.DeadlineExceeded) || isConnectionLoss(err) {
		d.downMu.Lock()
		if d.down == nil {
			d.down = err
		}
		d.downMu.Unlock()
	}
	var ce *kafka.ConnectError
	explained := errors.As(err, &ce) && ce.Kind != kafka.ConnectUnknown
	if errors.Is(err, context.DeadlineExceeded) && !explained {
		clusterTimeout(diags, action, d.connection.BootstrapServers, d.connection.EffectiveTimeout(), err)
		return
	}
	clusterError(diags, action, err)
}

// isConnectionLoss reports whether err says the brokers could not be
// reached or dropped the connection, as opposed to an answer from them.
func isConnectionLoss(err error) bool {
	var ce *kafka.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF)
}
