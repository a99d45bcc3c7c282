package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/validators"
)

var (
	_ datasource.DataSource              = (*topicsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*topicsDataSource)(nil)
)

// NewTopicsDataSource returns the kafkatenant_topics data source.
func NewTopicsDataSource() datasource.DataSource { return &topicsDataSource{} }

// topicsDataSource lists the topics under a prefix, a tenant or a virtual
// cluster.
type topicsDataSource struct {
	data *providerData
}

// topicsDataModel maps kafkatenant_topics.
type topicsDataModel struct {
	ID             types.String `tfsdk:"id"`
	Names          types.List   `tfsdk:"names"`
	Prefix         types.String `tfsdk:"prefix"`
	Tenant         types.String `tfsdk:"tenant"`
	Topics         types.List   `tfsdk:"topics"`
	VirtualCluster types.String `tfsdk:"virtual_cluster"`
}

var listedTopicType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"name": types.StringType, "partitions": types.Int64Type, "replication_factor": types.Int64Type, "tenant": types.StringType,
}}

func (d *topicsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_topics"
}

func (d *topicsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The topics on the cluster, whichever workspace or tool created them, filtered by name prefix, tenant or virtual cluster: " +
			"their names, partition counts, replication factors and owning tenants. Filters combine: a topic is listed when it passes every filter set, " +
			"and with none set every topic is. Internal topics (Kafka's `__` topics, the registry topic and other tools' `_` topics such as `_schemas`) are " +
			"never listed. It reads no topic configs, so it costs no request beyond the provider's one read of the cluster.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The filters, as `prefix|tenant|virtual_cluster` with an empty field for a filter not set.",
				Computed:            true,
			},
			"names": schema.ListAttribute{
				MarkdownDescription: "The names of the topics listed, sorted.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"prefix": schema.StringAttribute{
				MarkdownDescription: "List only topics whose name starts with this prefix.",
				Optional:            true,
				Validators:          []validator.String{validators.TopicName()},
			},
			"tenant": schema.StringAttribute{
				MarkdownDescription: "List only the topics under this tenant's topic prefix. A tenant that is not registered is an error.",
				Optional:            true,
				Validators:          []validator.String{validators.ObjectName()},
			},
			"topics": schema.ListAttribute{
				MarkdownDescription: "The topics listed, sorted by name: `name`, `partitions`, `replication_factor` and `tenant`, the tenant whose topic prefix " +
					"the name lies in (null for none).",
				ElementType: listedTopicType,
				Computed:    true,
			},
			"virtual_cluster": schema.StringAttribute{
				MarkdownDescription: "List only the topics under this virtual cluster's prefix. A virtual cluster that is not registered is an error.",
				Optional:            true,
				Validators:          []validator.String{validators.ObjectName()},
			},
		},
	}
}

func (d *topicsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *topicsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m topicsDataModel
	ctx, end, ok := d.data.startRead(ctx, req, resp, &m)
	defer end()
	if !ok {
		return
	}
	prefixes := []string{m.Prefix.ValueString()}
	if name := m.Tenant.ValueString(); name != "" {
		t, _, ok := d.data.lookupTenant(ctx, name, path.Root("tenant"), &resp.Diagnostics)
		if !ok {
			return
		}
		prefixes = append(prefixes, t.Prefixes[tenancy.TopicNames])
	}
	if name := m.VirtualCluster.ValueString(); name != "" {
		vc, _, ok := d.data.lookupVirtualCluster(ctx, name, path.Root("virtual_cluster"), &resp.Diagnostics)
		if !ok {
			return
		}
		prefixes = append(prefixes, vc.Prefix)
	}
	snap, err := d.data.snapshot(ctx)
	if err != nil {
		d.data.clusterError(&resp.Diagnostics, "read the cluster's topics", err)
		return
	}
	ns, err := d.data.namespaces(ctx, false)
	if err != nil {
		d.data.clusterError(&resp.Diagnostics, "read the registry", err)
		return
	}
	owner := ns.Owners(tenancy.TopicNames)
	registryTopic := d.data.client.RegistryTopic()
	names, topics := []attr.Value{}, []attr.Value{}
	for _, l := range snap.TopicLayouts(longest(prefixes)) {
		if tenancy.InternalTopic(l.Name, registryTopic) != "" || !hasEveryPrefix(l.Name, prefixes) {
			continue
		}
		tenant := types.StringNull()
		if t, ok := owner(l.Name); ok {
			tenant = types.StringValue(t.Name)
		}
		names = append(names, types.StringValue(l.Name))
		topics = append(topics, types.ObjectValueMust(listedTopicType.AttrTypes, map[string]attr.Value{
			"name": types.StringValue(l.Name), "partitions": types.Int64Value(int64(l.Partitions)),
			"replication_factor": types.Int64Value(int64(l.ReplicationFactor)), "tenant": tenant,
		}))
	}
	m.ID = types.StringValue(strings.Join([]string{m.Prefix.ValueString(), m.Tenant.ValueString(), m.VirtualCluster.ValueString()}, "|"))
	m.Names = types.ListValueMust(types.StringType, names)
	m.Topics = types.ListValueMust(listedTopicType, topics)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// longest returns the longest of prefixes: every name that starts with
// all of them starts with it.
func longest(prefixes []string) string {
	out := ""
	for _, p := range prefixes {
		if len(p) > len(out) {
			out = p
		}
	}
	return out
}

func hasEveryPrefix(name string, prefixes []string) bool {
	for _, p := range prefixes {
		if !strings.HasPrefix(name, p) {
			return false
		}
	}
	return true
}
