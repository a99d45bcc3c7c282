package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// cluster is what resources need from Kafka. *kafka.Client implements it;
// unit tests substitute fakes.
type cluster interface {
	Brokers(ctx context.Context) ([]int32, error)
	CreateTopic(ctx context.Context, spec kafka.TopicSpec) (kafka.TopicDescription, error)
	DeleteTopic(ctx context.Context, name string) error
	DescribeTopic(ctx context.Context, name string) (kafka.TopicDescription, error)
	AlterTopicConfigs(ctx context.Context, name string, set map[string]string, reset []string) error
	SetPartitions(ctx context.Context, name string, total int32) error
	SetReplicationFactor(ctx context.Context, name string, rf int16) error
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
