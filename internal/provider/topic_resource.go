package provider

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/numberplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/planmodifiers"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/topicconfig"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/validators"
)

var (
	_ resource.Resource                = (*topicResource)(nil)
	_ resource.ResourceWithConfigure   = (*topicResource)(nil)
	_ resource.ResourceWithImportState = (*topicResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*topicResource)(nil)
	_ resource.ResourceWithIdentity    = (*topicResource)(nil)
)

// Kafka's own limits: partition counts are 32-bit and replication factors
// 16-bit integers.
var (
	topicPartitionsRange   = wholeRange{1, math.MaxInt32}
	replicationFactorRange = wholeRange{1, tenancy.MaxReplicationFactor}
)

// NewTopicResource returns the kafkatenant_topic resource.
func NewTopicResource() resource.Resource {
	return &topicResource{namedIdentity: namedIdentity{kind: "topic"}}
}

// topicResource manages one Kafka topic.
type topicResource struct {
	namedIdentity
	data *providerData
}

// topicModel maps kafkatenant_topic.
type topicModel struct {
	Config            types.Map    `tfsdk:"config"`
	ID                types.String `tfsdk:"id"`
	Name              types.String `tfsdk:"name"`
	Partitions        wholeNumber  `tfsdk:"partitions"`
	ReplicationFactor wholeNumber  `tfsdk:"replication_factor"`
	Tenant            types.String `tfsdk:"tenant"`
	TopicID           types.String `tfsdk:"topic_id"`
}

func (r *topicResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_topic"
}

func (r *topicResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	partitions := topicPartitionsRange.attribute("The partition count. It grows in place; a decrease is a plan error, because Kafka cannot remove partitions.")
	partitions.Optional, partitions.Required = false, true
	partitions.PlanModifiers = []planmodifier.Number{planmodifiers.PartitionsOnlyGrow()}
	replicationFactor := replicationFactorRange.attribute("Replicas per partition, at most the number of live brokers. Defaults to the broker's " +
		"`default.replication.factor`. Changes in place by partition reassignment; the apply waits until it completes.")
	replicationFactor.Computed = true
	replicationFactor.PlanModifiers = []planmodifier.Number{numberplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Kafka topic. Partitions grow in place, the replication factor changes in place by partition reassignment, " +
			"and configs are tracked only for the keys set here: keys set on the topic outside Terraform are left alone, " +
			"and broker defaults never show as differences.",
		Attributes: map[string]schema.Attribute{
			"config": schema.MapAttribute{
				MarkdownDescription: "Topic configs to set, such as `retention.ms` or `cleanup.policy`. Apache Kafka's keys are checked at plan time, " +
					"values included (type and range), and a near miss such as `retention.msec` is an error that suggests the right key. " +
					"Other keys, such as Confluent's `confluent.tier.enable` or Redpanda's `redpanda.remote.read`, are accepted when the brokers " +
					"list them among the topic configs they know (asked once per plan); a key in a vendor namespace (" + markdownList(topicconfig.VendorPrefixes()) +
					") that the brokers do not list, or that no broker could be asked about, is a warning, and any other key an error. " +
					"Only these keys are managed: updates use incremental alter, and removing a key resets it to the broker default.",
				ElementType: types.StringType,
				Optional:    true,
				Validators:  []validator.Map{validators.TopicConfig()},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "The topic name; also the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The topic name: 1 to 249 characters from `a-z`, `A-Z`, `0-9`, `.`, `_` and `-`. Changing it replaces the topic.",
				Required:            true,
				Validators:          []validator.String{validators.TopicName()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"partitions":         partitions,
			"replication_factor": replicationFactor,
			"tenant": schema.StringAttribute{
				MarkdownDescription: "The tenant that owns the topic. The name must start with the tenant's `topic_prefix` (the plan fails otherwise and suggests " +
					"the right name), and the tenant's budgets (topics, partitions, retention bytes) must hold, counting every topic under its prefix on the cluster. " +
					"A topic inside some tenant's prefix must name that tenant. Reference the tenant resource's `name` so that Terraform creates it first.",
				Optional:   true,
				Validators: []validator.String{validators.ObjectName()},
			},
			"topic_id": schema.StringAttribute{
				MarkdownDescription: "The topic's UUID as Kafka reports it. A different value after refresh means the topic was deleted and created again outside Terraform.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *topicResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *topicResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer keepIdentity(ctx, r, &resp.State, resp.Identity, &resp.Diagnostics)
	ctx, end := r.data.begin(ctx)
	defer end()
	var plan topicModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	configs, diags := stringMap(ctx, plan.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	spec := kafka.TopicSpec{
		Name:              plan.Name.ValueString(),
		Partitions:        int32(plan.Partitions.ValueInt64()),
		ReplicationFactor: -1,
		Configs:           configs,
	}
	if !plan.ReplicationFactor.IsNull() && !plan.ReplicationFactor.IsUnknown() {
		spec.ReplicationFactor = int16(plan.ReplicationFactor.ValueInt64())
	}
	tflog.Debug(ctx, "creating topic", map[string]any{"topic": spec.Name, "partitions": spec.Partitions, "replication_factor": spec.ReplicationFactor})

	if why := tenancy.InternalTopic(spec.Name, r.data.client.RegistryTopic()); why != "" {
		internalTopicRefused(&resp.Diagnostics, spec.Name, why)
		return
	}
	if tenant := plan.Tenant.ValueString(); tenant != "" {
		// Topics of one tenant are created in parallel; their budget checks
		// must see each other.
		defer r.data.lockTenant(tenant)()
	}
	if !r.checkTenancyApplying(ctx, plan, &resp.Diagnostics) {
		return
	}
	d, err := r.data.client.CreateTopic(ctx, spec)
	if errors.Is(err, kafka.ErrAlreadyExists) {
		// An earlier attempt, whose answer was lost, may have created it.
		if d, err = r.data.client.DescribeTopic(ctx, spec.Name); err == nil && adoptable(d, spec) {
			topicAdopted(&resp.Diagnostics, spec.Name)
		} else {
			topicExistsError(&resp.Diagnostics, spec.Name)
			return
		}
	}
	if err != nil {
		// Not recorded in state, so not tainted: if the topic was created
		// all the same, the next apply finds it with the planned settings
		// and adopts it rather than replacing it.
		r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("create topic %q", spec.Name), err)
		return
	}
	state := topicState(ctx, d, plan.Config, false)
	state.Tenant = plan.Tenant
	// Another workspace may have created topics for the same tenant at the
	// same moment: if the budgets no longer hold, the later topic goes.
	if !r.verifyBudgets(ctx, plan, &resp.Diagnostics) {
		if err := r.data.client.DeleteTopic(ctx, spec.Name); err != nil {
			resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
			r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("delete topic %q, created over its tenant's budget", spec.Name), err)
		}
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	r.data.spreadQuotas(ctx, spec.Name, &resp.Diagnostics)
}

func (r *topicResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	keepIdentity(ctx, r, &req.State, resp.Identity, &resp.Diagnostics)
	ctx, end := r.data.begin(ctx)
	defer end()
	var state topicModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.canReachCluster() {
		return
	}
	name := state.Name.ValueString()
	snap, err := r.data.snapshot(ctx)
	if err != nil {
		r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("read topic %q", name), err)
		return
	}
	d, found, err := snap.Topic(ctx, name)
	if err != nil {
		r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("read topic %q", name), err)
		return
	}
	if !found {
		removedOutsideTerraform(&resp.Diagnostics, "Topic", name)
		resp.State.RemoveResource(ctx)
		return
	}
	if was := state.TopicID.ValueString(); was != "" && d.ID != "" && was != d.ID {
		topicRecreatedWarning(&resp.Diagnostics, name, was, d.ID)
	}
	imported, diags := req.Private.GetKey(ctx, importedKey)
	resp.Diagnostics.Append(diags...)
	next := topicState(ctx, d, state.Config, imported != nil)
	next.Tenant = state.Tenant
	if imported != nil {
		ns, err := r.data.namespaces(ctx, false)
		if err != nil {
			r.data.clusterError(&resp.Diagnostics, "read the registry", err)
			return
		}
		next.Tenant = owningTenant(ns, d.Name)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, next)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
}

func (r *topicResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer keepIdentity(ctx, r, &resp.State, resp.Identity, &resp.Diagnostics)
	ctx, end := r.data.begin(ctx)
	defer end()
	var plan, state topicModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	if tenancyChanged(ctx, state, plan) {
		if tenant := plan.Tenant.ValueString(); tenant != "" {
			defer r.data.lockTenant(tenant)()
		}
		if !r.checkTenancyApplying(ctx, plan, &resp.Diagnostics) {
			return
		}
	}
	err := r.applyChanges(ctx, name, state, plan)

	// Whatever happened, record what the cluster now holds, so that a
	// failure half-way leaves state the next apply converges from.
	d, readErr := r.data.client.DescribeTopic(ctx, name)
	if readErr != nil {
		r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("read topic %q after updating it", name), readErr)
		return
	}
	tracked := unionKeys(ctx, state.Config, plan.Config)
	next := topicState(ctx, d, tracked, false)
	next.Tenant = plan.Tenant
	resp.Diagnostics.Append(resp.State.Set(ctx, next)...)
	if err == nil {
		// The cluster has the planned values; keep the plan's spelling.
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("config"), plan.Config)...)
		return
	}
	if errors.Is(err, kafka.ErrReassignmentIgnored) {
		reassignmentIgnoredError(&resp.Diagnostics, name, err)
		return
	}
	r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("update topic %q", name), err)
}

// applyChanges makes the cluster match plan, step by step, stopping at the
// first failure.
func (r *topicResource) applyChanges(ctx context.Context, name string, state, plan topicModel) error {
	if p := plan.Partitions.ValueInt64(); p > state.Partitions.ValueInt64() {
		tflog.Debug(ctx, "adding partitions", map[string]any{"topic": name, "partitions": p})
		if err := r.data.client.SetPartitions(ctx, name, int32(p)); err != nil {
			return err
		}
	}
	if !plan.ReplicationFactor.IsUnknown() && !plan.ReplicationFactor.Equal(state.ReplicationFactor) {
		rf := plan.ReplicationFactor.ValueInt64()
		tflog.Debug(ctx, "changing replication factor", map[string]any{"topic": name, "replication_factor": rf})
		if err := r.data.client.SetReplicationFactor(ctx, name, int16(rf)); err != nil {
			return err
		}
	}
	set, reset := configChanges(ctx, state.Config, plan.Config)
	return r.data.client.AlterTopicConfigs(ctx, name, set, reset)
}

func (r *topicResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, end := r.data.begin(ctx)
	defer end()
	var state topicModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Name.ValueString()
	if why := tenancy.InternalTopic(name, r.data.client.RegistryTopic()); why != "" {
		internalTopicRefused(&resp.Diagnostics, name, why)
		return
	}
	err := r.data.client.DeleteTopic(ctx, name)
	if err != nil && !errors.Is(err, kafka.ErrNotFound) {
		r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("delete topic %q", name), err)
	}
}

func (r *topicResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer keepIdentity(ctx, r, &resp.State, resp.Identity, &resp.Diagnostics)
	if !importByIdentity(ctx, r, &req, &resp.Diagnostics) {
		return
	}
	if problem := validators.TopicNameProblem(req.ID); problem != "" {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("The import ID %q is not a topic name: %s. Import a topic by its name, for example `terraform import kafkatenant_topic.orders orders`.", req.ID, problem))
		return
	}
	if why := tenancy.InternalTopic(req.ID, r.registryTopic()); why != "" {
		internalTopicRefused(&resp.Diagnostics, req.ID, why)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	// Read tracks every config set on an imported topic, since the prior
	// state cannot say which keys the configuration will manage.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, []byte(`true`))...)
}

func (r *topicResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	ctx, end := r.data.begin(ctx)
	defer end()
	if r.data == nil {
		return
	}
	if req.Plan.Raw.IsNull() {
		// A destroyed topic no longer counts against its tenant's budgets
		// or the partition capacity for the rest of the plan.
		var name types.String
		if !req.State.Raw.IsNull() && !req.State.GetAttribute(ctx, path.Root("name"), &name).HasError() {
			r.data.ledger.RecordTopic(tenancy.PlannedTopic{Name: name.ValueString(), Destroy: true}, nil)
		}
		return
	}
	var plan topicModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.Name.IsUnknown() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), plan.Name)...)
		if why := tenancy.InternalTopic(plan.Name.ValueString(), r.registryTopic()); why != "" && !r.data.destroying {
			internalTopicRefused(&resp.Diagnostics, plan.Name.ValueString(), why)
			return
		}
	}
	if r.data.destroying {
		return
	}
	if !r.data.canReachCluster() {
		deferredChecksWarning(&resp.Diagnostics)
		r.checkConfigKeys(ctx, plan.Config, false, &resp.Diagnostics)
		return
	}
	creating := req.State.Raw.IsNull()
	if !creating && req.Plan.Raw.Equal(req.State.Raw) {
		// Unchanged: nothing to check, and no request.
		return
	}
	snap, err := r.data.snapshot(ctx)
	if err != nil {
		r.data.clusterError(&resp.Diagnostics, "read the cluster", err)
		return
	}
	if creating && !plan.Name.IsUnknown() && snap.HasTopic(plan.Name.ValueString()) {
		d, _, err := snap.Topic(ctx, plan.Name.ValueString())
		if err != nil {
			r.data.clusterError(&resp.Diagnostics, fmt.Sprintf("read topic %q", plan.Name.ValueString()), err)
			return
		}
		if spec, known := plannedSpec(ctx, plan); !known || !adoptable(d, spec) {
			topicExistsError(&resp.Diagnostics, plan.Name.ValueString())
			return
		}
		topicToAdopt(&resp.Diagnostics, plan.Name.ValueString())
	}
	var state *topicModel
	if !creating {
		state = &topicModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if creating || !plan.Config.Equal(state.Config) {
		r.checkConfigKeys(ctx, plan.Config, true, &resp.Diagnostics)
	}
	if !plan.Name.IsUnknown() && !plan.Tenant.IsUnknown() {
		checkTenancy := creating || tenancyChanged(ctx, *state, plan)
		checkPartitions := creating || !plan.Partitions.Equal(state.Partitions) || !plan.ReplicationFactor.Equal(state.ReplicationFactor)
		r.planTopic(ctx, plan, state, checkTenancy, checkPartitions, &resp.Diagnostics)
	}
	if rf := plan.ReplicationFactor; !rf.IsNull() && !rf.IsUnknown() {
		if creating || !rf.Equal(state.ReplicationFactor) {
			if brokers := len(snap.Brokers()); int(rf.ValueInt64()) > brokers {
				replicationFactorError(&resp.Diagnostics, rf.ValueInt64(), brokers)
			}
		}
	}
}

// registryTopic is the registry topic of the provider configuration,
// known without connecting.
func (r *topicResource) registryTopic() string {
	if r.data == nil || r.data.connection.RegistryTopic == "" {
		return kafka.DefaultRegistryTopic
	}
	return r.data.connection.RegistryTopic
}
