package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (Terraform 1.12+, OpenTofu 1.12+): every resource keeps
// beside its state a small object naming the Kafka object it manages, which
// Terraform stores, shows in `terraform query` results and accepts in an
// import block's identity argument. Each resource embeds an identity type
// that describes its schema and converts between identity, state and
// import ID, so that one ImportState serves import IDs and identities alike.

// identityCodec converts between a resource's identity and its state and
// import ID.
type identityCodec interface {
	// identityOf returns the identity of the object a state describes, or
	// nil when the state does not name one yet.
	identityOf(ctx context.Context, state tfsdk.State) (any, diag.Diagnostics)
	// importIDOf returns the import ID that an identity stands for.
	importIDOf(ctx context.Context, identity *tfsdk.ResourceIdentity) (string, diag.Diagnostics)
}

// keepIdentity sets identity to what state describes. Create, Update and
// ImportState defer it on their response's state, so that every way out of
// them that leaves a state leaves its identity too. Read calls it first on
// the prior state, which names the same object (every attribute of the
// identity forces replacement): a resource found deleted then still
// answers with its identity, as the framework requires, and one written
// before identities existed, or by a CLI that does not store them
// (Terraform 1.11), gets one.
func keepIdentity(ctx context.Context, c identityCodec, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil || state.Raw.IsNull() {
		return
	}
	v, d := c.identityOf(ctx, *state)
	diags.Append(d...)
	if v == nil || d.HasError() {
		return
	}
	diags.Append(identity.Set(ctx, v)...)
}

// importByIdentity sets req.ID to the import ID that an import block's
// identity stands for, so that the rest of ImportState handles both forms
// alike. It reports false, with an error, for an identity that names no
// object.
func importByIdentity(ctx context.Context, c identityCodec, req *resource.ImportStateRequest, diags *diag.Diagnostics) bool {
	if req.ID != "" || req.Identity == nil || req.Identity.Raw.IsNull() {
		return true
	}
	id, d := c.importIDOf(ctx, req.Identity)
	diags.Append(d...)
	if d.HasError() {
		return false
	}
	req.ID = id
	return true
}

// namedIdentity is the identity of the resources that one name identifies:
// topics, tenants and virtual clusters.
type namedIdentity struct {
	// kind names the object in descriptions: "topic", "tenant".
	kind string
}

// namedIdentityModel maps a namedIdentity.
type namedIdentityModel struct {
	Name types.String `tfsdk:"name"`
}

func (n namedIdentity) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"name": identityschema.StringAttribute{
				Description:       fmt.Sprintf("The %s's name, as the resource's `name` attribute holds it.", n.kind),
				RequiredForImport: true,
			},
		},
	}
}

func (n namedIdentity) identityOf(ctx context.Context, state tfsdk.State) (any, diag.Diagnostics) {
	var name types.String
	diags := state.GetAttribute(ctx, path.Root("name"), &name)
	if diags.HasError() || name.IsNull() || name.IsUnknown() {
		return nil, diags
	}
	return namedIdentityModel{Name: name}, diags
}

func (n namedIdentity) importIDOf(ctx context.Context, identity *tfsdk.ResourceIdentity) (string, diag.Diagnostics) {
	var m namedIdentityModel
	diags := identity.Get(ctx, &m)
	return m.Name.ValueString(), diags
}
