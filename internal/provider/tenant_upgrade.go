package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// tenantSchemaVersion is the version of the tenant schema. Version 1 wrote
// acl_bindings as strings in the form of an ACL import ID; version 0 wrote
// them as objects with one attribute per field.
const tenantSchemaVersion = 1

// UpgradeState rewrites a version 0 state's acl_bindings objects as the
// strings version 1 holds; every other attribute is the same.
func (r *tenantResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{
		0: {StateUpgrader: func(_ context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
			upgraded, err := upgradeTenantState0(req.RawState.JSON)
			if err != nil {
				resp.Diagnostics.AddError("Cannot Upgrade Tenant State",
					fmt.Sprintf("The state of a kafkatenant_tenant written by an earlier version of the provider: %s. "+
						"Remove it with terraform state rm and import the tenant again by name.", err))
				return
			}
			resp.DynamicValue = &tfprotov6.DynamicValue{JSON: upgraded}
		}},
	}
}

// aclBindingV0 is one acl_bindings element of a version 0 state.
type aclBindingV0 struct {
	Host         string `json:"host"`
	Operation    string `json:"operation"`
	PatternType  string `json:"pattern_type"`
	Permission   string `json:"permission"`
	Principal    string `json:"principal"`
	ResourceName string `json:"resource_name"`
	ResourceType string `json:"resource_type"`
}

// upgradeTenantState0 returns a version 0 tenant state, in JSON, as
// version 1 writes it.
func upgradeTenantState0(raw []byte) ([]byte, error) {
	var state map[string]json.RawMessage
	if err := json.Unmarshal(raw, &state); err != nil {
		return nil, fmt.Errorf("it is not a JSON object: %w", err)
	}
	var old []aclBindingV0
	if b, ok := state["acl_bindings"]; ok {
		if err := json.Unmarshal(b, &old); err != nil {
			return nil, fmt.Errorf("its acl_bindings are not a list of bindings: %w", err)
		}
	}
	if old == nil {
		// Null stays null: a tenant whose create failed half-way.
		return raw, nil
	}
	ids := make([]string, len(old))
	for i, b := range old {
		ids[i] = aclID(kafka.ACL{ResourceType: b.ResourceType, PatternType: b.PatternType, ResourceName: b.ResourceName,
			Principal: b.Principal, Host: b.Host, Operation: b.Operation, Permission: b.Permission})
	}
	bindings, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	state["acl_bindings"] = bindings
	return json.Marshal(state)
}
