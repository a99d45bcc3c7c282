package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/validators"
)

var (
	_ datasource.DataSource              = (*tenantDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*tenantDataSource)(nil)
)

// NewTenantDataSource returns the kafkatenant_tenant data source.
func NewTenantDataSource() datasource.DataSource { return &tenantDataSource{} }

// tenantDataSource reads a tenant that another workspace manages.
type tenantDataSource struct {
	data *providerData
}

// tenantDataModel maps the kafkatenant_tenant data source: the resource's
// attributes a reader may see, plus what the tenant's topics use of its
// budgets.
type tenantDataModel struct {
	ACLBindings           types.Set           `tfsdk:"acl_bindings"`
	Budgets               *tenantBudgetsModel `tfsdk:"budgets"`
	ClientProperties      types.Map           `tfsdk:"client_properties"`
	GroupPrefix           types.String        `tfsdk:"group_prefix"`
	ID                    types.String        `tfsdk:"id"`
	Name                  types.String        `tfsdk:"name"`
	Principal             types.String        `tfsdk:"principal"`
	TopicPrefix           types.String        `tfsdk:"topic_prefix"`
	TransactionalIDPrefix types.String        `tfsdk:"transactional_id_prefix"`
	Usage                 *tenantUsageModel   `tfsdk:"usage"`
	Username              types.String        `tfsdk:"username"`
	VirtualCluster        types.String        `tfsdk:"virtual_cluster"`
}

// tenantUsageModel is what a tenant's topics on the cluster use of its
// budgets.
type tenantUsageModel struct {
	Partitions               types.Int64 `tfsdk:"partitions"`
	RetentionBytes           types.Int64 `tfsdk:"retention_bytes"`
	Topics                   types.Int64 `tfsdk:"topics"`
	UnlimitedRetentionTopics types.List  `tfsdk:"unlimited_retention_topics"`
}

func (d *tenantDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tenant"
}

func (d *tenantDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A tenant as the cluster and the provider's registry hold it, whichever workspace manages it: its principal, the prefixes it owns, " +
			"the client settings its applications need, its budgets and what its topics use of them. A product team's workspace reads with it what the " +
			"platform's workspace created, without owning it. The provider needs a principal that may describe the cluster, its topics, ACLs, quotas and " +
			"SCRAM users, and read the registry topic (see Reading from Other Workspaces in the provider documentation); it need not be able to write. A tenant that is not registered is an " +
			"error naming the tenants that are.",
		Attributes: map[string]schema.Attribute{
			"acl_bindings": schema.SetAttribute{
				MarkdownDescription: "The ACL bindings of the tenant's namespace that the cluster holds, as the `kafkatenant_tenant` resource's `acl_bindings` lists them: " +
					"each written as a `kafkatenant_acl` import ID, `resource_type|pattern_type|resource_name|principal|host|operation|permission`.",
				ElementType: types.StringType,
				Computed:    true,
			},
			"budgets": schema.SingleNestedAttribute{
				MarkdownDescription: "The tenant's budgets; null when it has none, and a budget it does not set is null.",
				Computed:            true,
				Attributes: map[string]schema.Attribute{
					"max_partitions":      computedWholeNumber("The most partitions the tenant's topics may have together."),
					"max_retention_bytes": computedWholeNumber("The most log, in bytes before replication, the tenant's topics may keep together (`retention.bytes` times partitions)."),
					"max_topics":          computedWholeNumber("The most topics the tenant may have."),
				},
			},
			"client_properties": schema.MapAttribute{
				MarkdownDescription: "Kafka client settings for the tenant's applications: `bootstrap.servers` (its virtual cluster's, if set there), " +
					"`security.protocol`, `sasl.mechanism` (its SCRAM credential's, if it has one) and `sasl.username`. Never contains the password.",
				ElementType: types.StringType,
				Computed:    true,
			},
			"group_prefix": computed("The prefix of every consumer group the tenant owns."),
			"id":           computed("The tenant's name."),
			"name": schema.StringAttribute{
				MarkdownDescription: "The tenant's name, as its `kafkatenant_tenant` resource sets it (not its principal).",
				Required:            true,
				Validators:          []validator.String{validators.ObjectName()},
			},
			"principal":               computed("The tenant's Kafka principal, such as `User:london.payments`."),
			"topic_prefix":            computed("The prefix of every topic the tenant owns."),
			"transactional_id_prefix": computed("The prefix of every transactional id the tenant owns."),
			"usage": schema.SingleNestedAttribute{
				MarkdownDescription: "What the topics under the tenant's topic prefix use now, counting every topic on the cluster, whichever workspace created it: " +
					"compare with `budgets` to see what is left.",
				Computed: true,
				Attributes: map[string]schema.Attribute{
					"partitions": schema.Int64Attribute{MarkdownDescription: "The partitions of those topics together.", Computed: true},
					"retention_bytes": schema.Int64Attribute{
						MarkdownDescription: "The sum of `retention.bytes` times partitions over those topics that set `retention.bytes`, in bytes before replication.",
						Computed:            true,
					},
					"topics": schema.Int64Attribute{MarkdownDescription: "The number of those topics.", Computed: true},
					"unlimited_retention_topics": schema.ListAttribute{
						MarkdownDescription: "Those topics that set no `retention.bytes` and so may keep any amount of log, sorted. A `max_retention_bytes` budget refuses new topics while any are listed.",
						ElementType:         types.StringType,
						Computed:            true,
					},
				},
			},
			"username":        computed("The SASL user name of a `User:` principal: the principal without `User:`; empty for other principals."),
			"virtual_cluster": computed("The tenant's virtual cluster; null when it has none."),
		},
	}
}

func (d *tenantDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *tenantDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m tenantDataModel
	ctx, end, ok := d.data.startRead(ctx, req, resp, &m)
	defer end()
	if !ok {
		return
	}
	t, view, ok := d.data.lookupTenant(ctx, m.Name.ValueString(), path.Root("name"), &resp.Diagnostics)
	if !ok {
		return
	}
	snap, err := d.data.snapshot(ctx)
	if err != nil {
		d.data.clusterError(&resp.Diagnostics, "read the cluster", err)
		return
	}
	// The resource's own read path: the bindings its template calls for
	// that the cluster holds, and its live credential's mechanism.
	vc := view.ns.VirtualClusters[t.VirtualCluster]
	want := tenantACLs(t, vc.SharedTopics, !snap.IdempotentWriteByTopic())
	s := (&tenantResource{data: d.data}).state(t, vc, readCredentials(snap, t, nil, true), types.BoolValue(false), present(want, snap.ACLs(t.Principal)))
	topics, err := snapshotTopicUsage(ctx, snap, t.Prefixes[tenancy.TopicNames], "", true)
	if err != nil {
		d.data.clusterError(&resp.Diagnostics, "read the topics of tenant "+t.Name, err)
		return
	}
	used := tenancy.SumUsage(usageList(topics))
	unlimited, diags := types.ListValueFrom(ctx, types.StringType, append([]string{}, used.Unlimited...))
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, tenantDataModel{
		ACLBindings:           s.ACLBindings,
		Budgets:               s.Budgets,
		ClientProperties:      s.ClientProperties,
		GroupPrefix:           s.GroupPrefix,
		ID:                    s.ID,
		Name:                  s.Name,
		Principal:             s.Principal,
		TopicPrefix:           s.TopicPrefix,
		TransactionalIDPrefix: s.TransactionalIDPrefix,
		Usage: &tenantUsageModel{
			Partitions: types.Int64Value(used.Partitions), RetentionBytes: types.Int64Value(used.RetentionBytes),
			Topics: types.Int64Value(used.Topics), UnlimitedRetentionTopics: unlimited,
		},
		Username:       s.Username,
		VirtualCluster: s.VirtualCluster,
	})...)
}
