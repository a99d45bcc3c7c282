package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/validators"
)

var (
	_ resource.Resource                = (*virtualClusterResource)(nil)
	_ resource.ResourceWithConfigure   = (*virtualClusterResource)(nil)
	_ resource.ResourceWithImportState = (*virtualClusterResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*virtualClusterResource)(nil)
	_ resource.ResourceWithIdentity    = (*virtualClusterResource)(nil)
)

// NewVirtualClusterResource returns the kafkatenant_virtual_cluster resource.
func NewVirtualClusterResource() resource.Resource {
	return &virtualClusterResource{namedIdentity: namedIdentity{kind: "virtual cluster"}}
}

// virtualClusterResource manages a virtual cluster's registry record and
// the shared-topic grants of its tenants.
type virtualClusterResource struct {
	namedIdentity
	data *providerData
}

// virtualClusterModel maps kafkatenant_virtual_cluster.
type virtualClusterModel struct {
	Allocated        types.Map      `tfsdk:"allocated"`
	BootstrapServers types.List     `tfsdk:"bootstrap_servers"`
	Capacity         *envelopeModel `tfsdk:"capacity"`
	ClientProperties types.Map      `tfsdk:"client_properties"`
	Free             types.Map      `tfsdk:"free"`
	ID               types.String   `tfsdk:"id"`
	Name             types.String   `tfsdk:"name"`
	Prefix           types.String   `tfsdk:"prefix"`
	Registered       types.Bool     `tfsdk:"registered"`
	SharedTopics     types.Set      `tfsdk:"shared_topics"`
}

func (r *virtualClusterResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_virtual_cluster"
}

func (r *virtualClusterResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A virtual cluster: a logical cluster carved out of the physical one, Kafka-native (no proxy). " +
			"All its tenants live under its prefix, which no other virtual cluster or tenant may overlap. " +
			"It is recorded in the provider's registry topic, so plans in other workspaces see it. " +
			"Destroying it is refused while tenants still belong to it.",
		Attributes: map[string]schema.Attribute{
			"allocated": schema.MapAttribute{
				MarkdownDescription: "What the virtual cluster's tenants hold of each envelope dimension, per broker, counting every quota on the cluster " +
					"(`producer_byte_rate` and `consumer_byte_rate` in bytes per second, `request_percentage`, and `partitions` as partition replicas per broker). " +
					"Rounded to whole bytes per second, percent and partition replicas. Refreshed on every plan; a dimension the envelope does not declare is absent.",
				ElementType: types.Float64Type,
				Computed:    true,
			},
			"bootstrap_servers": schema.ListAttribute{
				MarkdownDescription: "Broker addresses the tenants connect to, as `host:port`, when they differ from the provider's own " +
					"(a separate client listener, say). Defaults to the provider's `bootstrap_servers`.",
				ElementType: types.StringType,
				Optional:    true,
				Validators:  []validator.List{validators.HostPorts()},
			},
			"capacity": envelopeSchema(),
			"client_properties": schema.MapAttribute{
				MarkdownDescription: "Kafka client settings to hand to the virtual cluster's teams: `bootstrap.servers`, `security.protocol` and, " +
					"when the provider uses SASL, `sasl.mechanism`. Never contains a password.",
				ElementType: types.StringType,
				Computed:    true,
			},
			"free": schema.MapAttribute{
				MarkdownDescription: "What is left of each declared envelope dimension, per broker: the envelope minus `allocated`; negative when overcommitted.",
				ElementType:         types.Float64Type,
				Computed:            true,
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "The virtual cluster's name; also the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The virtual cluster's name: 1 to 64 characters from `a-z`, `A-Z`, `0-9`, `_` and `-`. Changing it replaces the virtual cluster.",
				Required:            true,
				Validators:          []validator.String{validators.ObjectName()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"prefix": schema.StringAttribute{
				MarkdownDescription: "The prefix of every topic, consumer group and transactional id of its tenants. Defaults to the name followed by `.`. " +
					"It must not overlap another virtual cluster's prefix or a tenant's outside this virtual cluster, and must not start with `_`. " +
					"Changing it replaces the virtual cluster.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{validators.TopicName()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"registered": registeredAttribute("virtual cluster"),
			"shared_topics": schema.SetAttribute{
				MarkdownDescription: "Existing topics outside the prefix that every tenant of this virtual cluster may read (READ and DESCRIBE, literal), " +
					"the way gateway products map one topic into several virtual clusters. Tenants cannot write them.",
				ElementType: types.StringType,
				Optional:    true,
				Validators:  []validator.Set{setvalidator.ValueStringsAre(validators.TopicName())},
			},
		},
	}
}

func (r *virtualClusterResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *virtualClusterResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer keepIdentity(ctx, r, &resp.State, resp.Identity, &resp.Diagnostics)
	ctx, end := r.data.begin(ctx)
	defer end()
	var plan virtualClusterModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	vc := virtualClusterSpec(ctx, plan)
	if !r.sharedTopicsExist(ctx, vc.SharedTopics, &resp.Diagnostics) {
		return
	}
	if !r.checkEnvelopeApplying(ctx, vc, &resp.Diagnostics) || !r.register(ctx, vc, nil, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, r.state(ctx, vc))...)
}

// register writes the virtual cluster's record and verifies that no
// conflicting claim was registered before it at the same moment. previous
// is its record before, or nil.
func (r *virtualClusterResource) register(ctx context.Context, vc tenancy.VirtualCluster, previous any, diags *diag.Diagnostics) bool {
	registryTopic := r.data.client.RegistryTopic()
	violations, err := r.data.claim(ctx, kindVirtualCluster, vc.Name, vc, previous, func(ns tenancy.Namespaces) []tenancy.Violation {
		return ns.CheckVirtualCluster(vc, registryTopic)
	})
	if err != nil {
		r.data.clusterError(diags, fmt.Sprintf("register virtual cluster %q", vc.Name), err)
		return false
	}
	if len(violations) > 0 {
		namespaceViolations(diags, "virtual cluster", vc.Name, violations, true)
		return false
	}
	return true
}

func (r *virtualClusterResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	keepIdentity(ctx, r, &req.State, resp.Identity, &resp.Diagnostics)
	ctx, end := r.data.begin(ctx)
	defer end()
	var state virtualClusterModel
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
	vc, ok := view.ns.VirtualClusters[name]
	if !ok {
		if _, unreadable := view.skipped[tenancy.ClaimKey(kindVirtualCluster, name)]; unreadable {
			// Warned above; state stands until the record is readable.
			return
		}
		if state.Prefix.IsNull() {
			// Just imported: no state to register it again from.
			importNotRegistered(&resp.Diagnostics, "virtual cluster", name, r.data.client.RegistryTopic())
			return
		}
		// A virtual cluster is nothing but its record: a lost record is
		// written again from state, never recreated by replacement.
		recordMissing(&resp.Diagnostics, "virtual cluster", name, r.data.client.RegistryTopic())
		next := r.state(ctx, virtualClusterSpec(ctx, state))
		next.Registered = types.BoolValue(false)
		resp.Diagnostics.Append(resp.State.Set(ctx, next)...)
		return
	}
	registryTopic := r.data.client.RegistryTopic()
	for _, v := range intruders(view, kindVirtualCluster, name, func(later tenancy.Namespaces) []tenancy.Violation {
		return later.CheckVirtualCluster(vc, registryTopic)
	}) {
		other := view.records[tenancy.ClaimKey(v.OtherKind, v.OtherName)]
		claimIntruder(&resp.Diagnostics, "virtual cluster", name, v, other, view.ns.Tenants[v.OtherName].Principal)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, r.state(ctx, vc))...)
}

func (r *virtualClusterResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer keepIdentity(ctx, r, &resp.State, resp.Identity, &resp.Diagnostics)
	ctx, end := r.data.begin(ctx)
	defer end()
	var plan, state virtualClusterModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	before, after := virtualClusterSpec(ctx, state), virtualClusterSpec(ctx, plan)
	if !r.sharedTopicsExist(ctx, after.SharedTopics, &resp.Diagnostics) {
		return
	}
	if !before.Envelope.Equal(after.Envelope) && !r.checkEnvelopeApplying(ctx, after, &resp.Diagnostics) {
		return
	}
	if state.Registered.ValueBool() || state.Registered.IsNull() {
		if _, err := r.data.client.PutRecord(ctx, kindVirtualCluster, after.Name, after); err != nil {
			r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("update virtual cluster %q in the registry", after.Name), err)
			return
		}
	} else if !r.register(ctx, after, nil, &resp.Diagnostics) {
		return
	}
	// The record is written first: if granting fails, the next apply sees
	// the tenants' missing grants as drift and repairs them.
	resp.Diagnostics.Append(resp.State.Set(ctx, r.state(ctx, after))...)
	if err := r.regrantSharedTopics(ctx, before, after); err != nil {
		r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("update the shared-topic grants of virtual cluster %q", after.Name), err)
	}
}

// regrantSharedTopics gives every tenant of the virtual cluster read access
// to newly shared topics and takes it away from topics no longer shared.
func (r *virtualClusterResource) regrantSharedTopics(ctx context.Context, before, after tenancy.VirtualCluster) error {
	added, removed := diffStrings(before.SharedTopics, after.SharedTopics)
	if len(added) == 0 && len(removed) == 0 {
		return nil
	}
	ns, err := r.data.namespaces(ctx, true)
	if err != nil {
		return err
	}
	var grant, revoke []kafka.ACL
	for _, t := range ns.TenantsOf(after.Name) {
		grant = append(grant, sharedTopicACLs(t.Principal, added)...)
		revoke = append(revoke, sharedTopicACLs(t.Principal, removed)...)
	}
	if err := r.data.client.CreateACLs(ctx, grant); err != nil {
		return err
	}
	return r.data.client.DeleteACLs(ctx, revoke)
}

func (r *virtualClusterResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, end := r.data.begin(ctx)
	defer end()
	var state virtualClusterModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Name.ValueString()
	// Checked at apply, not plan: when a whole configuration is destroyed,
	// its tenants go first and are gone by now.
	ns, err := r.data.namespaces(ctx, true)
	if err != nil {
		r.data.clusterError(&resp.Diagnostics, "read the registry", err)
		return
	}
	if tenants := ns.TenantsOf(name); len(tenants) > 0 {
		virtualClusterHasTenants(&resp.Diagnostics, name, tenants)
		return
	}
	if err := r.data.client.DeleteRecord(ctx, kindVirtualCluster, name); err != nil {
		r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("remove virtual cluster %q from the registry", name), err)
	}
}

func (r *virtualClusterResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer keepIdentity(ctx, r, &resp.State, resp.Identity, &resp.Diagnostics)
	if !importByIdentity(ctx, r, &req, &resp.Diagnostics) {
		return
	}
	if problem := validators.ObjectNameProblem(req.ID); problem != "" {
		importNameError(&resp.Diagnostics, "virtual cluster", req.ID, problem)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

// state builds the resource state from a registry record.
func (r *virtualClusterResource) state(ctx context.Context, vc tenancy.VirtualCluster) virtualClusterModel {
	m := virtualClusterModel{
		ID:               types.StringValue(vc.Name),
		Name:             types.StringValue(vc.Name),
		Prefix:           types.StringValue(vc.Prefix),
		BootstrapServers: types.ListNull(types.StringType),
		SharedTopics:     types.SetNull(types.StringType),
	}
	if len(vc.BootstrapServers) > 0 {
		m.BootstrapServers, _ = types.ListValueFrom(ctx, types.StringType, vc.BootstrapServers)
	}
	if len(vc.SharedTopics) > 0 {
		m.SharedTopics, _ = types.SetValueFrom(ctx, types.StringType, vc.SharedTopics)
	}
	m.ClientProperties = clientProperties(r.data.connection, vc.BootstrapServers, r.data.connectionMechanism())
	m.Capacity = envelopeState(vc.Envelope)
	m.Registered = types.BoolValue(true)
	m.Allocated, m.Free = types.MapNull(types.Float64Type), types.MapNull(types.Float64Type)
	if vc.Envelope != nil && r.data.canReachCluster() {
		if in, err := r.data.capacityInputs(ctx, false); err == nil {
			if snap, err := r.data.snapshot(ctx); err == nil {
				allocated, free := envelopeAllocation(in, vc, snap.TopicReplicas(), len(snap.Brokers()))
				m.Allocated, m.Free = roundedMapValue(allocated), roundedMapValue(free)
			}
		}
	}
	return m
}

// virtualClusterSpec builds the registry record from a plan or state.
func virtualClusterSpec(ctx context.Context, m virtualClusterModel) tenancy.VirtualCluster {
	vc := tenancy.VirtualCluster{
		Name:             m.Name.ValueString(),
		Prefix:           m.Prefix.ValueString(),
		SharedTopics:     setOfStrings(ctx, m.SharedTopics),
		BootstrapServers: listOfStrings(ctx, m.BootstrapServers),
		Envelope:         m.Capacity.envelope(),
	}
	slices.Sort(vc.SharedTopics)
	return vc
}
