package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// acl_bindings is a set, so Terraform shows a binding removed outside
// Terraform as that one element to add instead of shifting every list
// element after it; the order the cluster reports does not matter.
func TestTenantSchema_aclBindingsIsASet(t *testing.T) {
	var resp resource.SchemaResponse
	(&tenantResource{}).Schema(context.Background(), resource.SchemaRequest{}, &resp)
	if set, ok := resp.Schema.Attributes["acl_bindings"].(schema.SetAttribute); !ok || set.ElementType != types.StringType {
		t.Fatalf("acl_bindings is a %T, want a set of strings", resp.Schema.Attributes["acl_bindings"])
	}
	a := kafka.ACL{Principal: "User:a", Host: "*", ResourceType: "TOPIC", ResourceName: "a.", PatternType: "PREFIXED", Operation: "READ", Permission: "ALLOW"}
	b := a
	b.Operation = "WRITE"
	if !aclList([]kafka.ACL{a, b}).Equal(aclList([]kafka.ACL{b, a})) {
		t.Error("the same bindings in another order make a different value")
	}
	if got, err := aclsFromList(aclList([]kafka.ACL{b, a})); err != nil || len(got) != 2 || got[0] != a || got[1] != b {
		t.Errorf("aclsFromList = %v, %v; want [%v %v] sorted", got, err, a, b)
	}
	notBinding := types.SetValueMust(types.StringType, []attr.Value{types.StringValue("TOPIC|PREFIXED|a.")})
	if got, err := aclsFromList(notBinding); err == nil {
		t.Errorf("aclsFromList of a string with 3 fields = %v, want an error", got)
	}
}
