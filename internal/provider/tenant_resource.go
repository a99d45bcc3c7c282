package provider

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/numberdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/validators"
)

var (
	_ resource.Resource                 = (*tenantResource)(nil)
	_ resource.ResourceWithConfigure    = (*tenantResource)(nil)
	_ resource.ResourceWithImportState  = (*tenantResource)(nil)
	_ resource.ResourceWithModifyPlan   = (*tenantResource)(nil)
	_ resource.ResourceWithUpgradeState = (*tenantResource)(nil)
	_ resource.ResourceWithIdentity     = (*tenantResource)(nil)
)

// Ranges of the tenant's whole numbers. Budgets add up partitions and
// retention bytes, so they stay within what int64 sums can hold.
var (
	budgetRange          = wholeRange{1, math.MaxInt32}
	retentionBudgetRange = wholeRange{1, math.MaxInt64}
	iterationsRange      = wholeRange{kafka.MinSCRAMIterations, kafka.MaxSCRAMIterations}
	passwordVersionRange = wholeRange{0, math.MaxInt64}
)

// NewTenantResource returns the kafkatenant_tenant resource.
func NewTenantResource() resource.Resource {
	return &tenantResource{namedIdentity: namedIdentity{kind: "tenant"}}
}

// tenantResource manages a tenant: its registry record, SCRAM credential
// and the prefixed ACLs of its namespace.
type tenantResource struct {
	namedIdentity
	data *providerData
}

// tenantModel maps kafkatenant_tenant.
type tenantModel struct {
	ACLBindings           types.Set               `tfsdk:"acl_bindings"`
	Budgets               *tenantBudgetsModel     `tfsdk:"budgets"`
	ClientProperties      types.Map               `tfsdk:"client_properties"`
	Credentials           *tenantCredentialsModel `tfsdk:"credentials"`
	ForceDestroy          types.Bool              `tfsdk:"force_destroy"`
	GroupPrefix           types.String            `tfsdk:"group_prefix"`
	ID                    types.String            `tfsdk:"id"`
	Name                  types.String            `tfsdk:"name"`
	Principal             types.String            `tfsdk:"principal"`
	Registered            types.Bool              `tfsdk:"registered"`
	TopicPrefix           types.String            `tfsdk:"topic_prefix"`
	TransactionalIDPrefix types.String            `tfsdk:"transactional_id_prefix"`
	Username              types.String            `tfsdk:"username"`
	VirtualCluster        types.String            `tfsdk:"virtual_cluster"`
}

type tenantBudgetsModel struct {
	MaxPartitions     wholeNumber `tfsdk:"max_partitions"`
	MaxRetentionBytes wholeNumber `tfsdk:"max_retention_bytes"`
	MaxTopics         wholeNumber `tfsdk:"max_topics"`
}

type tenantCredentialsModel struct {
	Iterations        wholeNumber  `tfsdk:"iterations"`
	Mechanism         types.String `tfsdk:"mechanism"`
	PasswordWO        types.String `tfsdk:"password_wo"`
	PasswordWOVersion wholeNumber  `tfsdk:"password_wo_version"`
}

func (r *tenantResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tenant"
}

func (r *tenantResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	prefixAttr := func(kind string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("The prefix of every %s the tenant owns. Defaults to the virtual cluster's prefix, then the tenant's name, then `.` "+
				"(`london.payments.`); without a virtual cluster, the name and `.`. It must lie inside the virtual cluster's prefix and not overlap any other "+
				"tenant's. Changing it replaces the tenant.", kind),
			Optional:      true,
			Computed:      true,
			Validators:    []validator.String{validators.TopicName()},
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
		}
	}
	iterations := iterationsRange.attribute(fmt.Sprintf("SCRAM iterations; %d is Kafka's minimum and the default.", kafka.MinSCRAMIterations))
	iterations.Computed = true
	iterations.Default = numberdefault.StaticBigFloat(big.NewFloat(kafka.MinSCRAMIterations))
	passwordVersion := passwordVersionRange.attribute("A number to change whenever `password_wo` changes, since Terraform cannot compare a value it does not store. " +
		"A credential deleted outside Terraform shows as this version to be applied again.")
	passwordVersion.Optional, passwordVersion.Required = false, true
	resp.Schema = schema.Schema{
		Version: tenantSchemaVersion,
		MarkdownDescription: "A tenant: a principal, its SCRAM credential, the prefixes it owns for topics, consumer groups and transactional ids, " +
			"and the prefixed ACLs that let it do everything inside its namespace and nothing outside. The plan refuses prefixes that overlap another " +
			"tenant's or leave the virtual cluster, counting tenants created by other workspaces. The password is write-only: it never reaches state or plan output.",
		Attributes: map[string]schema.Attribute{
			"acl_bindings": schema.SetAttribute{
				MarkdownDescription: "The ACL bindings the tenant holds, computed: on its topic prefix " + markdownList(tenantTopicOperations) +
					"; on its group prefix " + markdownList(tenantGroupOperations) + "; on its transactional-id prefix " + markdownList(tenantTxnOperations) +
					"; `READ` and `DESCRIBE` on each shared topic of its virtual cluster; and `IDEMPOTENT_WRITE` on the cluster only for brokers older than " +
					"Kafka 2.8. Each binding is written as a `kafkatenant_acl` import ID, " +
					"`resource_type|pattern_type|resource_name|principal|host|operation|permission` (`split(\"|\", b)` takes one apart; a `|` or `%` inside a field is written `%7C` or `%25`). " +
					"A set: a binding removed outside Terraform shows in the plan as that one binding to add, and the apply restores it.",
				Computed:    true,
				ElementType: types.StringType,
			},
			"budgets": schema.SingleNestedAttribute{
				MarkdownDescription: "Limits on the tenant's topics, checked when topics are planned, counting every topic under the prefix on the cluster, not only those in this state.",
				Optional:            true,
				Attributes: map[string]schema.Attribute{
					"max_partitions": budgetRange.attribute("The most partitions the tenant's topics may have together."),
					"max_retention_bytes": retentionBudgetRange.attribute("The most log the tenant may keep, in bytes before replication: the sum over its topics of " +
						"`retention.bytes` times partitions. With this budget, every topic of the tenant must set `retention.bytes`."),
					"max_topics": budgetRange.attribute("The most topics the tenant may have."),
				},
			},
			"client_properties": schema.MapAttribute{
				MarkdownDescription: "Kafka client settings for the tenant's applications: `bootstrap.servers` (its virtual cluster's, if set there), " +
					"`security.protocol`, `sasl.mechanism` and `sasl.username`. Never contains the password.",
				ElementType: types.StringType,
				Computed:    true,
			},
			"credentials": schema.SingleNestedAttribute{
				MarkdownDescription: "The tenant's SASL/SCRAM credential. Omit it for principals authenticated otherwise (mTLS, OAuth). " +
					"The password is write-only (Terraform 1.11 or later, OpenTofu 1.11 or later): set `password_wo` and bump `password_wo_version` to rotate it.",
				Optional: true,
				Attributes: map[string]schema.Attribute{
					"iterations": iterations,
					"mechanism": schema.StringAttribute{
						MarkdownDescription: "The SCRAM mechanism: " + markdownList(kafka.SCRAMMechanisms) + ". Defaults to `" + kafka.MechanismScramSHA512 + "`.",
						Optional:            true,
						Computed:            true,
						Default:             stringdefault.StaticString(kafka.MechanismScramSHA512),
						Validators:          []validator.String{stringvalidator.OneOf(kafka.SCRAMMechanisms...)},
					},
					"password_wo": schema.StringAttribute{
						MarkdownDescription: "The password, write-only: sent to the cluster when the credential is created or `password_wo_version` changes, never stored in state or shown in plans.",
						Required:            true,
						WriteOnly:           true,
						Sensitive:           true,
						Validators:          []validator.String{stringvalidator.LengthAtLeast(8)},
					},
					"password_wo_version": passwordVersion,
				},
			},
			"force_destroy": schema.BoolAttribute{
				MarkdownDescription: "Destroy the tenant even though topics under its prefix exist, deleting those topics and their records. Defaults to `false`: " +
					"destroy is refused while the tenant owns topics.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"group_prefix": prefixAttr("consumer group"),
			"id": schema.StringAttribute{
				MarkdownDescription: "The tenant's name; also the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The tenant's name: 1 to 64 characters from `a-z`, `A-Z`, `0-9`, `_` and `-`. Changing it replaces the tenant.",
				Required:            true,
				Validators:          []validator.String{validators.ObjectName()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"principal": schema.StringAttribute{
				MarkdownDescription: "The tenant's Kafka principal. Defaults to `User:<virtual cluster>.<name>`, or `User:<name>` without a virtual cluster. " +
					"Two tenants cannot share a principal. Changing it replaces the tenant.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{validators.Principal()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"registered":              registeredAttribute("tenant"),
			"topic_prefix":            prefixAttr("topic"),
			"transactional_id_prefix": prefixAttr("transactional id"),
			"username": schema.StringAttribute{
				MarkdownDescription: "The SASL user name of a `User:` principal: the principal without `User:`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"virtual_cluster": schema.StringAttribute{
				MarkdownDescription: "The name of the tenant's virtual cluster, if any. Reference the virtual cluster resource's `name` so that Terraform creates it first. " +
					"Changing it replaces the tenant.",
				Optional:      true,
				Validators:    []validator.String{validators.ObjectName()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
		},
	}
}

func (r *tenantResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *tenantResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer keepIdentity(ctx, r, &resp.State, resp.Identity, &resp.Diagnostics)
	ctx, end := r.data.begin(ctx)
	defer end()
	var plan, config tenantModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ns, err := r.data.namespaces(ctx, true)
	if err != nil {
		r.data.clusterError(&resp.Diagnostics, "read the registry", err)
		return
	}
	t, vc := tenantSpec(plan, ns)
	if !r.register(ctx, t, ns, nil, &resp.Diagnostics) {
		return
	}
	state, err := r.grant(ctx, plan, config, t, vc)
	if err != nil {
		// Left out of state, so not tainted into a replacement (which would
		// mean a new credential): the next apply creates it again, which
		// finds its own registration and writes the credential and the
		// bindings again, idempotently.
		r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("finish setting up tenant %q, which is registered; running the apply again completes it", t.Name), err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	r.keepInputs(ctx, vc, resp.Private, &resp.Diagnostics)
}

// keepInputs records in private state the cluster facts the tenant's next
// plans need when its configuration does not change.
func (r *tenantResource) keepInputs(ctx context.Context, vc tenancy.VirtualCluster, p privateSetter, diags *diag.Diagnostics) {
	snap, err := r.data.snapshot(ctx)
	if err != nil {
		r.data.clusterError(diags, "read the cluster", err)
		return
	}
	setPrivate(ctx, p, privateTenantInputs, tenantInputs{SharedTopics: vc.SharedTopics, ClusterIdempotentWrite: !snap.IdempotentWriteByTopic()}, diags)
}

// register checks the tenant against the registry as it is now (ns, read
// afresh), writes its record and verifies that no conflicting claim was
// registered before it at the same moment. previous is its record before,
// or nil.
func (r *tenantResource) register(ctx context.Context, t tenancy.Tenant, ns tenancy.Namespaces, previous any, diags *diag.Diagnostics) bool {
	registryTopic := r.data.client.RegistryTopic()
	against := ns.Without(kindTenant, t.Name)
	if ns.Registered(kindTenant, t.Name) {
		against = ns.Before(kindTenant, t.Name)
	}
	if violations := against.CheckTenant(t, registryTopic, true); len(violations) > 0 {
		namespaceViolations(diags, "tenant", t.Name, violations, true)
		return false
	}
	violations, err := r.data.claim(ctx, kindTenant, t.Name, t, previous, func(earlier tenancy.Namespaces) []tenancy.Violation {
		return earlier.CheckTenant(t, registryTopic, true)
	})
	if err != nil {
		r.data.clusterError(diags, fmt.Sprintf("register tenant %q", t.Name), err)
		return false
	}
	if len(violations) > 0 {
		namespaceViolations(diags, "tenant", t.Name, violations, true)
		return false
	}
	return true
}

// grant creates the credential and ACLs of a registered tenant and returns
// its state. Both writes are idempotent, so a grant that failed half-way is
// completed by running it again.
func (r *tenantResource) grant(ctx context.Context, plan, config tenantModel, t tenancy.Tenant, vc tenancy.VirtualCluster) (tenantModel, error) {
	if config.Credentials != nil {
		err := r.data.client.UpsertSCRAM(ctx, username(t.Principal), plan.Credentials.Mechanism.ValueString(),
			int32(plan.Credentials.Iterations.ValueInt64()), config.Credentials.PasswordWO.ValueString())
		if err != nil {
			return tenantModel{}, err
		}
	}
	want, err := r.expectedACLs(ctx, t, vc)
	if err != nil {
		return tenantModel{}, err
	}
	if err := r.data.client.CreateACLs(ctx, want); err != nil {
		return tenantModel{}, err
	}
	return r.state(t, vc, plan.Credentials, plan.ForceDestroy, want), nil
}

func (r *tenantResource) expectedACLs(ctx context.Context, t tenancy.Tenant, vc tenancy.VirtualCluster) ([]kafka.ACL, error) {
	snap, err := r.data.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return tenantACLs(t, vc.SharedTopics, !snap.IdempotentWriteByTopic()), nil
}

func (r *tenantResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	keepIdentity(ctx, r, &req.State, resp.Identity, &resp.Diagnostics)
	ctx, end := r.data.begin(ctx)
	defer end()
	var state tenantModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.canReachCluster() {
		return
	}
	name := state.Name.ValueString()
	view, err := r.data.registryView(ctx, false)
	if err != nil {
		r.data.clusterError(&resp.Diagnostics, "read the registry", err)
		return
	}
	r.data.warnSkippedRecords(view, &resp.Diagnostics)
	snap, err := r.data.snapshot(ctx)
	if err != nil {
		r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("read tenant %q", name), err)
		return
	}
	registered := true
	t, ok := view.ns.Tenants[name]
	if !ok {
		if _, unreadable := view.skipped[tenancy.ClaimKey(kindTenant, name)]; unreadable {
			// Warned above; state stands until the record is readable.
			return
		}
		if state.Principal.IsNull() {
			// Just imported: no state to register it again from.
			importNotRegistered(&resp.Diagnostics, "tenant", name, r.data.client.RegistryTopic())
			return
		}
		t = tenantFromState(state)
		if !tenantExists(snap, t) {
			removedOutsideTerraform(&resp.Diagnostics, "Tenant", name)
			resp.State.RemoveResource(ctx)
			return
		}
		recordMissing(&resp.Diagnostics, "tenant", name, r.data.client.RegistryTopic())
		registered = false
	}
	vc := view.ns.VirtualClusters[t.VirtualCluster]
	imported, diags := req.Private.GetKey(ctx, importedKey)
	resp.Diagnostics.Append(diags...)
	forceDestroy := state.ForceDestroy
	if forceDestroy.IsNull() {
		forceDestroy = types.BoolValue(false)
	}
	for _, v := range intruders(view, kindTenant, name, func(later tenancy.Namespaces) []tenancy.Violation {
		return later.CheckTenant(t, r.data.client.RegistryTopic(), false)
	}) {
		other := view.records[tenancy.ClaimKey(v.OtherKind, v.OtherName)]
		claimIntruder(&resp.Diagnostics, "tenant", name, v, other, view.ns.Tenants[v.OtherName].Principal)
	}
	next := r.liveState(snap, t, vc, state.Credentials, imported != nil, forceDestroy)
	next.Registered = types.BoolValue(registered)
	resp.Diagnostics.Append(resp.State.Set(ctx, next)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
	setPrivate(ctx, resp.Private, privateTenantInputs, tenantInputs{SharedTopics: vc.SharedTopics, ClusterIdempotentWrite: !snap.IdempotentWriteByTopic()}, &resp.Diagnostics)
}

// liveState is the state of tenant t as the snapshot holds it: its
// credential (adopted, when adopt is set, as an import does) and, of the
// bindings it should hold, only those the cluster still holds, so that a
// binding removed outside Terraform shows in the plan as one to restore.
func (r *tenantResource) liveState(snap *kafka.Snapshot, t tenancy.Tenant, vc tenancy.VirtualCluster, prior *tenantCredentialsModel, adopt bool, forceDestroy types.Bool) tenantModel {
	want := tenantACLs(t, vc.SharedTopics, !snap.IdempotentWriteByTopic())
	return r.state(t, vc, readCredentials(snap, t, prior, adopt), forceDestroy, present(want, snap.ACLs(t.Principal)))
}

// tenantFromState rebuilds a tenant's registry record from its state, to
// register it again when the record is lost.
func tenantFromState(m tenantModel) tenancy.Tenant {
	t := tenancy.Tenant{
		Name: m.Name.ValueString(), VirtualCluster: m.VirtualCluster.ValueString(), Principal: m.Principal.ValueString(),
		Prefixes: map[tenancy.NameKind]string{
			tenancy.TopicNames:           m.TopicPrefix.ValueString(),
			tenancy.GroupNames:           m.GroupPrefix.ValueString(),
			tenancy.TransactionalIDNames: m.TransactionalIDPrefix.ValueString(),
		},
	}
	if b := m.Budgets; b != nil {
		t.Budgets = tenancy.Budgets{MaxTopics: b.MaxTopics.ValueInt64(), MaxPartitions: b.MaxPartitions.ValueInt64(), MaxRetentionBytes: b.MaxRetentionBytes.ValueInt64()}
	}
	return t
}

// tenantExists reports whether Kafka still holds something of the tenant:
// a credential of its user or a binding of its principal. A tenant with
// neither and no record is gone.
func tenantExists(snap *kafka.Snapshot, t tenancy.Tenant) bool {
	if u := username(t.Principal); u != "" && len(snap.SCRAMCredentials(u)) > 0 {
		return true
	}
	return t.Principal != "" && len(snap.ACLs(t.Principal)) > 0
}

// readCredentials reports the credential as the snapshot holds it. A
// credential missing for the configured mechanism comes back with a null
// password_wo_version, which the plan then shows as to be applied.
func readCredentials(snap *kafka.Snapshot, t tenancy.Tenant, prior *tenantCredentialsModel, adopt bool) *tenantCredentialsModel {
	if prior == nil && !adopt {
		return nil
	}
	user := username(t.Principal)
	if user == "" {
		return prior
	}
	live := snap.SCRAMCredentials(user)
	if prior == nil {
		// Import: adopt whatever credential exists; the password cannot be
		// read back, so its version stays unknown to Terraform (null).
		if len(live) == 0 {
			return nil
		}
		return &tenantCredentialsModel{Mechanism: types.StringValue(live[0].Mechanism), Iterations: wholeNumberValue(int64(live[0].Iterations)),
			PasswordWO: types.StringNull(), PasswordWOVersion: wholeNumberNull()}
	}
	out := *prior
	out.PasswordWO = types.StringNull()
	for _, c := range live {
		if c.Mechanism == prior.Mechanism.ValueString() {
			out.Iterations = wholeNumberValue(int64(c.Iterations))
			return &out
		}
	}
	out.PasswordWOVersion = wholeNumberNull()
	return &out
}

func (r *tenantResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer keepIdentity(ctx, r, &resp.State, resp.Identity, &resp.Diagnostics)
	ctx, end := r.data.begin(ctx)
	defer end()
	var plan, state, config tenantModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	held, err := aclsFromList(state.ACLBindings)
	if err != nil {
		unreadableBindings(&resp.Diagnostics, plan.Name.ValueString(), err)
		return
	}
	ns, err := r.data.namespaces(ctx, true)
	if err != nil {
		r.data.clusterError(&resp.Diagnostics, "read the registry", err)
		return
	}
	t, vc := tenantSpec(plan, ns)
	if state.Registered.ValueBool() || state.Registered.IsNull() {
		if _, err := r.data.client.PutRecord(ctx, kindTenant, t.Name, t); err != nil {
			r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("update tenant %q in the registry", t.Name), err)
			return
		}
	} else if !r.register(ctx, t, ns, nil, &resp.Diagnostics) {
		// The record was lost and another claim took its names meanwhile:
		// nothing Kafka holds is touched, and state keeps saying so.
		return
	}
	creds, err := r.updateCredentials(ctx, t, state.Credentials, plan.Credentials, config.Credentials)
	if err != nil {
		// What the cluster holds is unsure; keep the prior credential state
		// so the next plan compares against the cluster again.
		resp.Diagnostics.Append(resp.State.Set(ctx, r.state(t, vc, state.Credentials, plan.ForceDestroy, held))...)
		r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("update the credential of tenant %q", t.Name), err)
		return
	}
	want, err := r.expectedACLs(ctx, t, vc)
	if err == nil {
		err = r.data.client.CreateACLs(ctx, want)
	}
	if err == nil {
		err = r.data.client.DeleteACLs(ctx, missing(held, want))
	}
	if err != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, r.state(t, vc, creds, plan.ForceDestroy, held))...)
		r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("update the ACLs of tenant %q", t.Name), err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, r.state(t, vc, creds, plan.ForceDestroy, want))...)
	r.keepInputs(ctx, vc, resp.Private, &resp.Diagnostics)
}

// updateCredentials applies a credential change: a new password version, a
// repair of a credential deleted outside Terraform, new iterations, a new
// mechanism (the old one's credential is removed), or removal.
func (r *tenantResource) updateCredentials(ctx context.Context, t tenancy.Tenant, before, after, config *tenantCredentialsModel) (*tenantCredentialsModel, error) {
	user := username(t.Principal)
	switch {
	case after == nil && before == nil:
		return nil, nil
	case after == nil:
		return nil, r.data.client.DeleteSCRAM(ctx, user, before.Mechanism.ValueString())
	}
	changed := before == nil || !before.PasswordWOVersion.Equal(after.PasswordWOVersion) ||
		!before.Mechanism.Equal(after.Mechanism) || !before.Iterations.Equal(after.Iterations)
	if changed {
		if err := r.data.client.UpsertSCRAM(ctx, user, after.Mechanism.ValueString(), int32(after.Iterations.ValueInt64()), config.PasswordWO.ValueString()); err != nil {
			return nil, err
		}
	}
	if before != nil && !before.Mechanism.Equal(after.Mechanism) {
		if err := r.data.client.DeleteSCRAM(ctx, user, before.Mechanism.ValueString()); err != nil {
			return nil, err
		}
	}
	out := *after
	out.PasswordWO = types.StringNull()
	return &out, nil
}

func (r *tenantResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, end := r.data.begin(ctx)
	defer end()
	var state tenantModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name, prefix := state.Name.ValueString(), state.TopicPrefix.ValueString()
	owned, err := r.topicsUnder(ctx, prefix)
	if err != nil {
		r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("list the topics of tenant %q", name), err)
		return
	}
	if len(owned) > 0 && !state.ForceDestroy.ValueBool() {
		tenantOwnsTopics(&resp.Diagnostics, name, prefix, owned)
		return
	}
	for _, topic := range owned {
		if err := r.data.client.DeleteTopic(ctx, topic); err != nil && !errors.Is(err, kafka.ErrNotFound) {
			r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("delete topic %q of tenant %q (force_destroy)", topic, name), err)
			return
		}
	}
	// Delete what state recorded and what the registry says the tenant
	// holds now: its virtual cluster may have shared topics with it since
	// state was last refreshed.
	grants, err := aclsFromList(state.ACLBindings)
	if err != nil {
		unreadableBindings(&resp.Diagnostics, name, err)
		return
	}
	if ns, err := r.data.namespaces(ctx, true); err != nil {
		r.data.clusterError(&resp.Diagnostics, "read the registry", err)
		return
	} else if t, ok := ns.Tenants[name]; ok {
		want, err := r.expectedACLs(ctx, t, ns.VirtualClusters[t.VirtualCluster])
		if err != nil {
			r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("compute the ACLs of tenant %q", name), err)
			return
		}
		grants = append(grants, missing(want, grants)...)
	}
	if err := r.data.client.DeleteACLs(ctx, grants); err != nil {
		r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("delete the ACLs of tenant %q", name), err)
		return
	}
	if c := state.Credentials; c != nil {
		if err := r.data.client.DeleteSCRAM(ctx, username(state.Principal.ValueString()), c.Mechanism.ValueString()); err != nil {
			r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("delete the credential of tenant %q", name), err)
			return
		}
	}
	// The record goes last, so that a failure above leaves the tenant
	// registered and the next destroy finds everything to remove.
	if err := r.data.client.DeleteRecord(ctx, kindTenant, name); err != nil {
		r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("remove tenant %q from the registry", name), err)
	}
}

// topicsUnder lists the cluster's topics that start with prefix, sorted.
func (r *tenantResource) topicsUnder(ctx context.Context, prefix string) ([]string, error) {
	all, err := r.data.client.ListTopics(ctx)
	if err != nil {
		return nil, err
	}
	return namesWithPrefix(all, prefix), nil
}

func (r *tenantResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer keepIdentity(ctx, r, &resp.State, resp.Identity, &resp.Diagnostics)
	if !importByIdentity(ctx, r, &req, &resp.Diagnostics) {
		return
	}
	if problem := validators.ObjectNameProblem(req.ID); problem != "" {
		importNameError(&resp.Diagnostics, "tenant", req.ID, problem)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	// Read adopts the existing credential, if any, on the first refresh.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, []byte(`true`))...)
}
