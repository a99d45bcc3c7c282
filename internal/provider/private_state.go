package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// A resource whose configuration matches its state is planned from what
// Terraform hands the provider alone: the configuration, the prior state
// and the prior private state. Read keeps in private state the facts of
// the cluster such a plan needs (which topics a tenant's virtual cluster
// shares, how many brokers lead a tenant's partitions), so that the plan
// costs no request, and so that Terraform's second planning of the same
// resource while applying, in another process, reaches the same values.

// privateTenantInputs is the private state key of a tenant's inputs.
const privateTenantInputs = "tenant_inputs"

// tenantInputs are the cluster facts a tenant's planned ACL bindings
// depend on.
type tenantInputs struct {
	// SharedTopics are the topics the tenant's virtual cluster shares.
	SharedTopics []string `json:"shared_topics"`
	// ClusterIdempotentWrite is set for brokers older than Kafka 2.8,
	// where idempotent producers need IDEMPOTENT_WRITE on the cluster.
	ClusterIdempotentWrite bool `json:"cluster_idempotent_write"`
}

// privateLeaders is the private state key of the brokers leading a
// cluster-scope quota's partitions.
const privateLeaders = "leader_brokers"

// privateGetter and privateSetter are the parts of the framework's private
// state that the helpers need.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// getPrivate decodes a private state value into v and reports whether
// there was one.
func getPrivate(ctx context.Context, p privateGetter, key string, v any) bool {
	if p == nil {
		return false
	}
	raw, diags := p.GetKey(ctx, key)
	if diags.HasError() || len(raw) == 0 {
		return false
	}
	return json.Unmarshal(raw, v) == nil
}

// setPrivate encodes v into a private state value.
func setPrivate(ctx context.Context, p privateSetter, key string, v any, diags *diag.Diagnostics) {
	raw, err := json.Marshal(v)
	if err != nil {
		diags.AddError("Private State Not Encoded", "kafkatenant could not encode its private state: "+err.Error())
		return
	}
	diags.Append(p.SetKey(ctx, key, raw)...)
}
