package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// Operations a tenant holds on its own names (prefixed ACLs), from issue
// #3: what a team needs to own its topics, groups and transactions, and
// nothing more. ALTER (partition changes) stays with the provider.
var (
	tenantTopicOperations = []string{"CREATE", "READ", "WRITE", "DESCRIBE", "DESCRIBE_CONFIGS", "ALTER_CONFIGS", "DELETE"}
	tenantGroupOperations = []string{"READ", "DESCRIBE", "DELETE"}
	tenantTxnOperations   = []string{"WRITE", "DESCRIBE"}
)

// tenantACLs returns the bindings that let a tenant do everything inside
// its namespace and read its virtual cluster's shared topics. Brokers older
// than Kafka 2.8 also need IDEMPOTENT_WRITE on the cluster for idempotent
// producers (KIP-679 made WRITE on any topic enough).
func tenantACLs(t tenancy.Tenant, shared []string, clusterIdempotentWrite bool) []kafka.ACL {
	var out []kafka.ACL
	add := func(resourceType, name, pattern string, ops []string) {
		for _, op := range ops {
			out = append(out, kafka.ACL{Principal: t.Principal, Host: "*", ResourceType: resourceType, ResourceName: name,
				PatternType: pattern, Operation: op, Permission: "ALLOW"})
		}
	}
	add("TOPIC", t.Prefixes[tenancy.TopicNames], "PREFIXED", tenantTopicOperations)
	add("GROUP", t.Prefixes[tenancy.GroupNames], "PREFIXED", tenantGroupOperations)
	add("TRANSACTIONAL_ID", t.Prefixes[tenancy.TransactionalIDNames], "PREFIXED", tenantTxnOperations)
	if clusterIdempotentWrite {
		add("CLUSTER", kafka.ClusterResourceName, "LITERAL", []string{"IDEMPOTENT_WRITE"})
	}
	out = append(out, sharedTopicACLs(t.Principal, shared)...)
	kafka.SortACLs(out)
	return out
}

// aclBindingModel is one element of a tenant's acl_bindings.
type aclBindingModel struct {
	Host         types.String `tfsdk:"host"`
	Operation    types.String `tfsdk:"operation"`
	PatternType  types.String `tfsdk:"pattern_type"`
	Permission   types.String `tfsdk:"permission"`
	Principal    types.String `tfsdk:"principal"`
	ResourceName types.String `tfsdk:"resource_name"`
	ResourceType types.String `tfsdk:"resource_type"`
}

var aclBindingType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"host": types.StringType, "operation": types.StringType, "pattern_type": types.StringType, "permission": types.StringType,
	"principal": types.StringType, "resource_name": types.StringType, "resource_type": types.StringType,
}}

// aclList returns the acl_bindings value, a set, holding acls.
func aclList(ctx context.Context, acls []kafka.ACL) types.Set {
	models := make([]aclBindingModel, len(acls))
	for i, a := range acls {
		models[i] = aclBindingModel{
			Host: types.StringValue(a.Host), Operation: types.StringValue(a.Operation), PatternType: types.StringValue(a.PatternType),
			Permission: types.StringValue(a.Permission), Principal: types.StringValue(a.Principal),
			ResourceName: types.StringValue(a.ResourceName), ResourceType: types.StringValue(a.ResourceType),
		}
	}
	l, _ := types.SetValueFrom(ctx, aclBindingType, models)
	return l
}

// aclsFromList returns the bindings of an acl_bindings set, sorted as
// kafka.SortACLs sorts them, since a set has no order of its own.
func aclsFromList(ctx context.Context, l types.Set) []kafka.ACL {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	var models []aclBindingModel
	l.ElementsAs(ctx, &models, false)
	out := make([]kafka.ACL, len(models))
	for i, m := range models {
		out[i] = kafka.ACL{Host: m.Host.ValueString(), Operation: m.Operation.ValueString(), PatternType: m.PatternType.ValueString(),
			Permission: m.Permission.ValueString(), Principal: m.Principal.ValueString(),
			ResourceName: m.ResourceName.ValueString(), ResourceType: m.ResourceType.ValueString()}
	}
	kafka.SortACLs(out)
	return out
}

// present returns the bindings of want that live holds, in want's order.
func present(want, live []kafka.ACL) []kafka.ACL {
	have := make(map[kafka.ACL]bool, len(live))
	for _, a := range live {
		have[a] = true
	}
	var out []kafka.ACL
	for _, a := range want {
		if have[a] {
			out = append(out, a)
		}
	}
	return out
}

// missing returns the bindings of want that have does not hold.
func missing(want, have []kafka.ACL) []kafka.ACL {
	held := make(map[kafka.ACL]bool, len(have))
	for _, a := range have {
		held[a] = true
	}
	var out []kafka.ACL
	for _, a := range want {
		if !held[a] {
			out = append(out, a)
		}
	}
	return out
}

// username is the SCRAM user name of a "User:" principal, or "" for other
// principal types, which SCRAM cannot authenticate.
func username(principal string) string {
	name, ok := strings.CutPrefix(principal, "User:")
	if !ok {
		return ""
	}
	return name
}
