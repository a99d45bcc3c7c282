package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// aclIdentity is the identity of a kafkatenant_acl: its binding, every
// enum in Kafka's spelling.
type aclIdentity struct{}

// aclIdentityModel maps an aclIdentity.
type aclIdentityModel struct {
	Host         types.String `tfsdk:"host"`
	Operation    types.String `tfsdk:"operation"`
	PatternType  types.String `tfsdk:"pattern_type"`
	Permission   types.String `tfsdk:"permission"`
	Principal    types.String `tfsdk:"principal"`
	ResourceName types.String `tfsdk:"resource_name"`
	ResourceType types.String `tfsdk:"resource_type"`
}

func (aclIdentity) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	required := func(desc string) identityschema.StringAttribute {
		return identityschema.StringAttribute{Description: desc, RequiredForImport: true}
	}
	optional := func(desc string) identityschema.StringAttribute {
		return identityschema.StringAttribute{Description: desc, OptionalForImport: true}
	}
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"host":          optional("The client host, `*` for any; defaults to `*` on import."),
			"operation":     required("The operation, such as `READ`."),
			"pattern_type":  optional("`LITERAL` or `PREFIXED`; defaults to `LITERAL` on import."),
			"permission":    optional("`ALLOW` or `DENY`; defaults to `ALLOW` on import."),
			"principal":     required("The principal, such as `User:payments`."),
			"resource_name": required("The topic, group, transactional id or prefix; `kafka-cluster` for `CLUSTER`."),
			"resource_type": required("The kind of resource, such as `TOPIC`."),
		},
	}
}

func (aclIdentity) identityOf(ctx context.Context, state tfsdk.State) (any, diag.Diagnostics) {
	var m aclModel
	diags := state.Get(ctx, &m)
	if diags.HasError() || m.Principal.IsNull() || m.ResourceName.IsNull() || !m.Operation.known() || !m.ResourceType.known() {
		return nil, diags
	}
	b, err := m.binding().Canonical()
	if err != nil {
		diags.AddError("Invalid ACL Binding in State", err.Error())
		return nil, diags
	}
	return aclIdentityOf(b), diags
}

func aclIdentityOf(b kafka.ACL) aclIdentityModel {
	return aclIdentityModel{
		Host: types.StringValue(b.Host), Operation: types.StringValue(b.Operation), PatternType: types.StringValue(b.PatternType),
		Permission: types.StringValue(b.Permission), Principal: types.StringValue(b.Principal), ResourceName: types.StringValue(b.ResourceName),
		ResourceType: types.StringValue(b.ResourceType),
	}
}

func (aclIdentity) importIDOf(ctx context.Context, identity *tfsdk.ResourceIdentity) (string, diag.Diagnostics) {
	var m aclIdentityModel
	diags := identity.Get(ctx, &m)
	if diags.HasError() {
		return "", diags
	}
	return aclID(kafka.ACL{
		ResourceType: m.ResourceType.ValueString(), PatternType: stringOr(m.PatternType, "LITERAL"), ResourceName: m.ResourceName.ValueString(),
		Principal: m.Principal.ValueString(), Host: stringOr(m.Host, "*"), Operation: m.Operation.ValueString(), Permission: stringOr(m.Permission, "ALLOW"),
	}), diags
}
