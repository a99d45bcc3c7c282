package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// quotaIdentity is the identity of a kafkatenant_quota: the parts of its
// quota entity, as Kafka names them.
type quotaIdentity struct{}

// quotaIdentityModel maps a quotaIdentity.
type quotaIdentityModel struct {
	ClientID types.String `tfsdk:"client_id"`
	IP       types.String `tfsdk:"ip"`
	User     types.String `tfsdk:"user"`
}

func (quotaIdentity) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	part := func(desc string) identityschema.StringAttribute {
		return identityschema.StringAttribute{
			Description:       desc + " `" + tenancy.DefaultName + "` is Kafka's default entity; null when the entity has no such part. At least one part is needed to import.",
			OptionalForImport: true,
		}
	}
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"client_id": part("The entity's client id."),
			"ip":        part("The entity's client IP address."),
			"user":      part("The entity's user, without `User:`: for a tenant's quota, its principal's user name."),
		},
	}
}

func (quotaIdentity) identityOf(ctx context.Context, state tfsdk.State) (any, diag.Diagnostics) {
	var entity types.String
	diags := state.GetAttribute(ctx, path.Root("entity"), &entity)
	if diags.HasError() || entity.IsNull() || entity.IsUnknown() {
		return nil, diags
	}
	e, err := tenancy.ParseEntity(entity.ValueString())
	if err != nil {
		diags.AddError("Invalid Quota Entity in State", err.Error())
		return nil, diags
	}
	return quotaIdentityOf(e), diags
}

func quotaIdentityOf(e tenancy.Entity) quotaIdentityModel {
	return quotaIdentityModel{
		ClientID: componentOf(e, tenancy.EntityClientID),
		IP:       componentOf(e, tenancy.EntityIP),
		User:     userOf(e),
	}
}

func (quotaIdentity) importIDOf(ctx context.Context, identity *tfsdk.ResourceIdentity) (string, diag.Diagnostics) {
	var m quotaIdentityModel
	diags := identity.Get(ctx, &m)
	if diags.HasError() {
		return "", diags
	}
	var e tenancy.Entity
	parts := []struct {
		v         types.String
		named     func(string) tenancy.Component
		defaulted func() tenancy.Component
	}{
		{m.User, tenancy.User, tenancy.DefaultUser},
		{m.ClientID, tenancy.ClientID, tenancy.DefaultClientID},
		{m.IP, tenancy.IP, tenancy.DefaultIP},
	}
	for _, p := range parts {
		switch {
		case p.v.IsNull() || p.v.IsUnknown():
		case p.v.ValueString() == tenancy.DefaultName:
			e = append(e, p.defaulted())
		default:
			e = append(e, p.named(p.v.ValueString()))
		}
	}
	if len(e) == 0 {
		importIdentityError(&diags, "kafkatenant_quota", "it names no part of a quota entity", `identity = { user = "london.payments" }`)
		return "", diags
	}
	return e.Canonical().String(), diags
}
