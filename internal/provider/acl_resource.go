package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/validators"
)

var (
	_ resource.Resource                   = (*aclResource)(nil)
	_ resource.ResourceWithConfigure      = (*aclResource)(nil)
	_ resource.ResourceWithImportState    = (*aclResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*aclResource)(nil)
	_ resource.ResourceWithValidateConfig = (*aclResource)(nil)
	_ resource.ResourceWithIdentity       = (*aclResource)(nil)
)

// NewACLResource returns the kafkatenant_acl resource.
func NewACLResource() resource.Resource { return &aclResource{} }

// aclResource manages one ACL binding.
type aclResource struct {
	aclIdentity
	data *providerData
}

// aclModel maps kafkatenant_acl.
type aclModel struct {
	CrossTenant  types.Bool   `tfsdk:"cross_tenant"`
	Host         types.String `tfsdk:"host"`
	ID           types.String `tfsdk:"id"`
	Operation    enumValue    `tfsdk:"operation"`
	PatternType  enumValue    `tfsdk:"pattern_type"`
	Permission   enumValue    `tfsdk:"permission"`
	Principal    types.String `tfsdk:"principal"`
	ResourceName types.String `tfsdk:"resource_name"`
	ResourceType enumValue    `tfsdk:"resource_type"`
}

func (r *aclResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_acl"
}

func (r *aclResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	// A respelling of the same enum ("topic" to "TOPIC") is an in-place
	// update of state only; any other change is a different binding.
	replaceUnlessRespelled := stringplanmodifier.RequiresReplaceIf(func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = normalizeEnum(req.StateValue.ValueString()) != normalizeEnum(req.PlanValue.ValueString())
	}, "Changing the value replaces the binding; changing only its spelling does not.", "Changing the value replaces the binding; changing only its spelling does not.")
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	enumReplace := []planmodifier.String{replaceUnlessRespelled}
	// Optional attributes defaulted in ModifyPlan keep their state value
	// when unset, so an unrelated change never reads as a replacement.
	defaulted := []planmodifier.String{stringplanmodifier.UseStateForUnknown(), replaceUnlessRespelled}
	enum := func(desc string, values []string, required bool) schema.StringAttribute {
		a := schema.StringAttribute{
			MarkdownDescription: desc + " One of " + markdownList(values) + ", in any case (`describe_configs` and `DescribeConfigs` work too). Changing it replaces the binding.",
			CustomType:          enumType{},
			Required:            required,
			Optional:            !required,
			Computed:            !required,
			PlanModifiers:       enumReplace,
		}
		if !required {
			a.PlanModifiers = defaulted
		}
		return a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One ACL binding, for grants the tenant template does not cover: sharing a topic with another team, or a connector's principal. " +
			"A binding that lets one tenant's principal into another tenant's namespace must say so with `cross_tenant = true`; otherwise the plan fails " +
			"naming both tenants. Every field is validated against Kafka's enums at plan time.",
		Attributes: map[string]schema.Attribute{
			"cross_tenant": schema.BoolAttribute{
				MarkdownDescription: "Set to `true` to allow a binding that lets one tenant's principal (or every user, `User:*`) into another tenant's namespace. Defaults to `false`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"host": schema.StringAttribute{
				MarkdownDescription: "The client host the binding applies to. Defaults to `*`, any host. Changing it replaces the binding.",
				Optional:            true,
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "The binding in canonical form, which is also the import ID: `resource_type|pattern_type|resource_name|principal|host|operation|permission`. " +
					"Principals may contain `:` and `,` as they are; a `|` or `%` inside a field is written `%7C` or `%25`.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"operation":    enum("The operation allowed or denied.", kafka.ACLOperations, true),
			"pattern_type": enum("How resource_name matches: `LITERAL` (the default) or `PREFIXED`.", kafka.ACLPatternTypes, false),
			"permission":   enum("`ALLOW` (the default) or `DENY`.", kafka.ACLPermissions, false),
			"principal": schema.StringAttribute{
				MarkdownDescription: "The principal, such as `User:payments` or `User:CN=connect,OU=platform`; `User:*` means every user. Changing it replaces the binding.",
				Required:            true,
				Validators:          []validator.String{validators.ACLPrincipal()},
				PlanModifiers:       replace,
			},
			"resource_name": schema.StringAttribute{
				MarkdownDescription: "The topic, group, transactional id or prefix the binding is on; `kafka-cluster` for `CLUSTER`. Changing it replaces the binding.",
				Required:            true,
				PlanModifiers:       replace,
			},
			"resource_type": enum("The kind of resource.", kafka.ACLResourceTypes, true),
		},
	}
}

func (r *aclResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *aclResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer keepIdentity(ctx, r, &resp.State, resp.Identity, &resp.Diagnostics)
	ctx, end := r.data.begin(ctx)
	defer end()
	var plan aclModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	binding, err := plan.binding().Canonical()
	if err != nil {
		resp.Diagnostics.AddError("Invalid ACL Binding", err.Error())
		return
	}
	// Re-check against the registry as it is now: a tenant registered
	// after the plan may own the resource.
	ns, err := r.data.namespaces(ctx, true)
	if err != nil {
		r.data.clusterError(&resp.Diagnostics, "read the registry", err)
		return
	}
	if !r.checkCrossTenant(ns, binding, plan.CrossTenant.ValueBool(), true, &resp.Diagnostics) {
		return
	}
	if err := r.data.client.CreateACLs(ctx, []kafka.ACL{binding}); err != nil {
		r.data.clusterError(&resp.Diagnostics, "create ACL "+binding.String(), err)
		return
	}
	plan.ID = types.StringValue(aclID(binding))
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *aclResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	keepIdentity(ctx, r, &req.State, resp.Identity, &resp.Diagnostics)
	ctx, end := r.data.begin(ctx)
	defer end()
	var state aclModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.canReachCluster() {
		return
	}
	binding, err := state.binding().Canonical()
	if err != nil {
		resp.Diagnostics.AddError("Invalid ACL Binding in State", err.Error())
		return
	}
	snap, err := r.data.snapshot(ctx)
	if err != nil {
		r.data.clusterError(&resp.Diagnostics, "read ACL "+binding.String(), err)
		return
	}
	if !slices.Contains(snap.ACLs(binding.Principal), binding) {
		removedOutsideTerraform(&resp.Diagnostics, "ACL", binding.String())
		resp.State.RemoveResource(ctx)
		return
	}
	state.ID = types.StringValue(aclID(binding))
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update only ever changes cross_tenant or the spelling of an enum, which
// live in state alone: any other change replaces the binding.
func (r *aclResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer keepIdentity(ctx, r, &resp.State, resp.Identity, &resp.Diagnostics)
	ctx, end := r.data.begin(ctx)
	defer end()
	var plan aclModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *aclResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, end := r.data.begin(ctx)
	defer end()
	var state aclModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	binding, err := state.binding().Canonical()
	if err != nil {
		resp.Diagnostics.AddError("Invalid ACL Binding in State", err.Error())
		return
	}
	if err := r.data.client.DeleteACLs(ctx, []kafka.ACL{binding}); err != nil {
		r.data.clusterError(&resp.Diagnostics, "delete ACL "+binding.String(), err)
	}
}

func (r *aclResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer keepIdentity(ctx, r, &resp.State, resp.Identity, &resp.Diagnostics)
	if !importByIdentity(ctx, r, &req, &resp.Diagnostics) {
		return
	}
	binding, err := parseACLID(req.ID)
	if err == nil {
		binding, err = binding.Canonical()
	}
	if err != nil {
		aclImportIDError(&resp.Diagnostics, req.ID, err)
		return
	}
	if r.data.canReachCluster() {
		ns, err := r.data.namespaces(ctx, false)
		if err != nil {
			r.data.clusterError(&resp.Diagnostics, "read the registry", err)
			return
		}
		if !r.checkNotTenantHeld(ctx, ns, binding, &resp.Diagnostics) {
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, importedACL(binding))...)
}

// importedACL is the state of an imported canonical binding.
func importedACL(binding kafka.ACL) aclModel {
	return aclModel{
		CrossTenant: types.BoolValue(false), Host: types.StringValue(binding.Host), ID: types.StringValue(aclID(binding)),
		Operation: enumOf(binding.Operation), PatternType: enumOf(binding.PatternType), Permission: enumOf(binding.Permission),
		Principal: types.StringValue(binding.Principal), ResourceName: types.StringValue(binding.ResourceName), ResourceType: enumOf(binding.ResourceType),
	}
}

func (r *aclResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m aclModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	fields := []struct {
		attr    string
		v       enumValue
		allowed []string
	}{
		{"operation", m.Operation, kafka.ACLOperations},
		{"pattern_type", m.PatternType, kafka.ACLPatternTypes},
		{"permission", m.Permission, kafka.ACLPermissions},
		{"resource_type", m.ResourceType, kafka.ACLResourceTypes},
	}
	for _, f := range fields {
		if f.v.known() && !slices.ContainsFunc(f.allowed, func(a string) bool { return normalizeEnum(a) == normalizeEnum(f.v.ValueString()) }) {
			aclEnumError(&resp.Diagnostics, f.attr, f.v.ValueString(), f.allowed)
		}
	}
	if m.ResourceType.known() && normalizeEnum(m.ResourceType.ValueString()) == "cluster" {
		if !m.ResourceName.IsUnknown() && !m.ResourceName.IsNull() && m.ResourceName.ValueString() != kafka.ClusterResourceName {
			aclClusterNameError(&resp.Diagnostics, m.ResourceName.ValueString())
		}
		if m.PatternType.known() && normalizeEnum(m.PatternType.ValueString()) != "literal" {
			aclClusterPatternError(&resp.Diagnostics)
		}
	}
	if m.ResourceName.ValueString() == "" && !m.ResourceName.IsUnknown() && !m.ResourceName.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("resource_name"), "Empty Resource Name",
			"resource_name is empty. Name the topic, group, transactional id or prefix the binding is on, or kafka-cluster for CLUSTER.")
	}
}

func (r *aclResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	ctx, end := r.data.begin(ctx)
	defer end()
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan aclModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !req.State.Raw.IsNull() && req.Plan.Raw.Equal(req.State.Raw) {
		// Unchanged: nothing to check, and no request.
		return
	}
	// Defaults are applied here rather than with schema defaults so that
	// they carry the enum type.
	if plan.Host.IsUnknown() {
		plan.Host = types.StringValue("*")
	}
	if plan.PatternType.IsUnknown() {
		plan.PatternType = enumOf("LITERAL")
	}
	if plan.Permission.IsUnknown() {
		plan.Permission = enumOf("ALLOW")
	}
	if plan.Principal.IsUnknown() || plan.ResourceName.IsUnknown() || !plan.Operation.known() || !plan.ResourceType.known() {
		resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
		return
	}
	binding, err := plan.binding().Canonical()
	if err != nil {
		// ValidateConfig has reported it.
		return
	}
	plan.ID = types.StringValue(aclID(binding))
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
	if r.data == nil || r.data.destroying {
		return
	}
	if !r.data.canReachCluster() {
		deferredChecksWarning(&resp.Diagnostics)
		return
	}
	ns, err := r.data.namespaces(ctx, false)
	if err != nil {
		r.data.clusterError(&resp.Diagnostics, "read the registry", err)
		return
	}
	r.data.ledger.View(func(v tenancy.LedgerView) { ns = ns.With(v.Namespaces) })
	if r.checkNotTenantHeld(ctx, ns, binding, &resp.Diagnostics) {
		r.checkCrossTenant(ns, binding, plan.CrossTenant.ValueBool(), false, &resp.Diagnostics)
	}
}

// checkNotTenantHeld refuses a binding that one of the tenants in ns
// holds: the tenant resource manages it.
func (r *aclResource) checkNotTenantHeld(ctx context.Context, ns tenancy.Namespaces, b kafka.ACL, diags *diag.Diagnostics) bool {
	snap, err := r.data.snapshot(ctx)
	if err != nil {
		r.data.clusterError(diags, "read the cluster", err)
		return false
	}
	idempotent := !snap.IdempotentWriteByTopic()
	for _, t := range ns.Tenants {
		if t.Principal != b.Principal {
			continue
		}
		if slices.Contains(tenantACLs(t, ns.VirtualClusters[t.VirtualCluster].SharedTopics, idempotent), b) {
			tenantHeldBinding(diags, b, t.Name)
			return false
		}
	}
	return true
}

// checkCrossTenant enforces that a binding letting a tenant's principal
// (or every user) into another tenant's namespace is marked cross_tenant.
func (r *aclResource) checkCrossTenant(ns tenancy.Namespaces, b kafka.ACL, allowed, fresh bool, diags *diag.Diagnostics) bool {
	crossings := crossTenant(ns, b)
	if len(crossings) > 0 && !allowed {
		crossTenantError(diags, b, crossings, fresh)
		return false
	}
	if len(crossings) == 0 && allowed {
		crossTenantUnneeded(diags, b)
	}
	return true
}

// crossing is a tenant namespace a binding reaches into, from the tenant
// (or "every user") the principal stands for.
type crossing struct{ from, into string }

// crossTenant returns the tenant namespaces a binding lets another tenant's
// principal into. DENY bindings let nobody in; non-tenant principals
// (connectors, admins) are outside the rule.
func crossTenant(ns tenancy.Namespaces, b kafka.ACL) []crossing {
	if b.Permission != "ALLOW" {
		return nil
	}
	kinds := map[string]tenancy.NameKind{"TOPIC": tenancy.TopicNames, "GROUP": tenancy.GroupNames, "TRANSACTIONAL_ID": tenancy.TransactionalIDNames}
	kind, ok := kinds[b.ResourceType]
	if !ok {
		return nil
	}
	from := ""
	if strings.HasSuffix(b.Principal, ":*") {
		from = "every user (" + b.Principal + ")"
	} else if t, ok := ns.TenantByPrincipal(b.Principal); ok {
		from = fmt.Sprintf("tenant %q", t.Name)
	} else {
		return nil
	}
	var out []crossing
	for _, owner := range ns.TenantsOverlapping(kind, b.ResourceName, b.PatternType == "PREFIXED") {
		if owner.Principal != b.Principal {
			out = append(out, crossing{from: from, into: fmt.Sprintf("tenant %q (prefix %q)", owner.Name, owner.Prefixes[kind])})
		}
	}
	return out
}

func (m aclModel) binding() kafka.ACL {
	return kafka.ACL{
		Principal: m.Principal.ValueString(), Host: stringOr(m.Host, "*"),
		ResourceType: m.ResourceType.ValueString(), ResourceName: m.ResourceName.ValueString(), PatternType: m.PatternType.valueOr("LITERAL"),
		Operation: m.Operation.ValueString(), Permission: m.Permission.valueOr("ALLOW"),
	}
}
