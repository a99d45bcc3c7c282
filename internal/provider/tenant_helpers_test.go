package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// acl_bindings is a set, so Terraform shows a binding removed outside
// Terraform as that one element to add instead of shifting every list
// element after it; the order the cluster reports does not matter.
func TestTenantSchema_aclBindingsIsASet(t *testing.T) {
	var resp resource.SchemaResponse
	(&tenantResource{}).Schema(context.Background(), resource.SchemaRequest{}, &resp)
	if _, ok := resp.Schema.Attributes["acl_bindings"].(schema.SetNestedAttribute); !ok {
		t.Fatalf("acl_bindings is a %T, want a set", resp.Schema.Attributes["acl_bindings"])
	}
	a := kafka.ACL{Principal: "User:a", Host: "*", ResourceType: "TOPIC", ResourceName: "a.", PatternType: "PREFIXED", Operation: "READ", Permission: "ALLOW"}
	b := a
	b.Operation = "WRITE"
	ctx := context.Background()
	if !aclList(ctx, []kafka.ACL{a, b}).Equal(aclList(ctx, []kafka.ACL{b, a})) {
		t.Error("the same bindings in another order make a different value")
	}
	if got := aclsFromList(ctx, aclList(ctx, []kafka.ACL{b, a})); len(got) != 2 || got[0] != a || got[1] != b {
		t.Errorf("aclsFromList = %v, want [%v %v] sorted", got, a, b)
	}
}
