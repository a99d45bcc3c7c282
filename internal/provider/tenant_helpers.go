package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
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

// aclList returns the acl_bindings value: a set of strings, each binding
// in the form of its kafkatenant_acl import ID. Strings, not objects: a set
// of objects costs Terraform and the framework a hash of every attribute of
// every element on every plan, several times what the rest of a tenant costs.
func aclList(acls []kafka.ACL) types.Set {
	elems := make([]attr.Value, len(acls))
	for i, a := range acls {
		elems[i] = types.StringValue(aclID(a))
	}
	return types.SetValueMust(types.StringType, elems)
}

// aclsFromList returns the bindings of an acl_bindings set, sorted as
// kafka.SortACLs sorts them, since a set has no order of its own.
func aclsFromList(l types.Set) ([]kafka.ACL, error) {
	if l.IsNull() || l.IsUnknown() {
		return nil, nil
	}
	out := make([]kafka.ACL, 0, len(l.Elements()))
	for _, e := range l.Elements() {
		s, ok := e.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			return nil, fmt.Errorf("acl_bindings holds %s, which is not a binding", e)
		}
		a, err := parseACLID(s.ValueString())
		if err != nil {
			return nil, fmt.Errorf("acl_bindings holds %q, which is not a binding: %w", s.ValueString(), err)
		}
		out = append(out, a)
	}
	kafka.SortACLs(out)
	return out, nil
}

// unreadableBindings reports an acl_bindings element in state that is not
// a binding, which only an edit of the state makes.
func unreadableBindings(diags *diag.Diagnostics, tenant string, err error) {
	diags.AddAttributeError(path.Root("acl_bindings"), "Unreadable ACL Bindings in State",
		fmt.Sprintf("Tenant %q: %s. Run terraform apply -refresh-only to read them from the cluster again.", tenant, err))
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
