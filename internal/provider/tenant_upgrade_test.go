package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// A tenant state written by version 0 of the schema, acl_bindings as
// objects, upgrades through the provider server to the strings version 1
// holds, every other attribute kept.
func TestTenantUpgradeState_bindingObjectsBecomeIDs(t *testing.T) {
	v0 := `{
		"acl_bindings": [
			{"host": "*", "operation": "READ", "pattern_type": "PREFIXED", "permission": "ALLOW",
			 "principal": "User:team-a", "resource_name": "team-a.", "resource_type": "TOPIC"},
			{"host": "*", "operation": "DESCRIBE", "pattern_type": "LITERAL", "permission": "ALLOW",
			 "principal": "User:team-a", "resource_name": "shared|x", "resource_type": "TOPIC"}
		],
		"budgets": null, "credentials": null, "force_destroy": false, "group_prefix": "team-a.",
		"name": "team-a", "principal": "User:team-a", "registered": true, "topic_prefix": "team-a.",
		"transactional_id_prefix": "team-a.", "virtual_cluster": "vc"
	}`
	server := providerserver.NewProtocol6(New("test")())()
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	tenantSchema := schemas.ResourceSchemas["kafkatenant_tenant"]
	if tenantSchema.Version != 1 {
		t.Fatalf("tenant schema version = %d, want 1", tenantSchema.Version)
	}
	resp, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "kafkatenant_tenant", Version: 0, RawState: &tfprotov6.RawState{JSON: []byte(v0)},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Fatalf("upgrade: %s: %s", d.Summary, d.Detail)
	}
	value, err := resp.UpgradedState.Unmarshal(tenantSchema.ValueType())
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := value.As(&attrs); err != nil {
		t.Fatal(err)
	}
	var bindings []tftypes.Value
	if err := attrs["acl_bindings"].As(&bindings); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, b := range bindings {
		var s string
		if err := b.As(&s); err != nil {
			t.Fatal(err)
		}
		got[s] = true
	}
	for _, want := range []string{"TOPIC|PREFIXED|team-a.|User:team-a|*|READ|ALLOW", "TOPIC|LITERAL|shared%7Cx|User:team-a|*|DESCRIBE|ALLOW"} {
		if !got[want] {
			t.Errorf("upgraded acl_bindings = %v, want %q among them", got, want)
		}
	}
	var name string
	if err := attrs["name"].As(&name); err != nil || name != "team-a" {
		t.Errorf("upgraded name = %q (%v), want team-a kept", name, err)
	}
}

// A version 0 state that is not what version 0 wrote is refused with the
// way out, not upgraded to something else.
func TestTenantUpgradeState_refusesWhatVersion0NeverWrote(t *testing.T) {
	for _, raw := range []string{`[1]`, `{"acl_bindings": "TOPIC"}`} {
		if _, err := upgradeTenantState0([]byte(raw)); err == nil {
			t.Errorf("upgradeTenantState0(%s) succeeded, want an error", raw)
		}
	}
	null := `{"acl_bindings":null,"name":"x"}`
	if got, err := upgradeTenantState0([]byte(null)); err != nil || string(got) != null {
		t.Errorf("upgradeTenantState0(%s) = %s, %v; want it unchanged", null, got, err)
	}
}
