package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/validators"
)

var (
	_ datasource.DataSource              = (*virtualClusterDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*virtualClusterDataSource)(nil)
)

// NewVirtualClusterDataSource returns the kafkatenant_virtual_cluster data
// source.
func NewVirtualClusterDataSource() datasource.DataSource { return &virtualClusterDataSource{} }

// virtualClusterDataSource reads a virtual cluster that another workspace
// manages.
type virtualClusterDataSource struct {
	data *providerData
}

// virtualClusterDataModel maps the kafkatenant_virtual_cluster data
// source: the resource's attributes plus its tenants.
type virtualClusterDataModel struct {
	Allocated        types.Map      `tfsdk:"allocated"`
	BootstrapServers types.List     `tfsdk:"bootstrap_servers"`
	Capacity         *envelopeModel `tfsdk:"capacity"`
	ClientProperties types.Map      `tfsdk:"client_properties"`
	Free             types.Map      `tfsdk:"free"`
	ID               types.String   `tfsdk:"id"`
	Name             types.String   `tfsdk:"name"`
	Prefix           types.String   `tfsdk:"prefix"`
	SharedTopics     types.Set      `tfsdk:"shared_topics"`
	Tenants          types.List     `tfsdk:"tenants"`
}

func (d *virtualClusterDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_virtual_cluster"
}

func (d *virtualClusterDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	perDimension := func(desc string) schema.MapAttribute {
		return schema.MapAttribute{MarkdownDescription: desc, ElementType: types.Float64Type, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A virtual cluster as the provider's registry holds it, whichever workspace manages it: its prefix, capacity envelope and what " +
			"its tenants hold of it, its shared topics, its tenants, and the client settings its teams need. The provider needs a principal that may " +
			"describe the cluster and read the registry topic; it need not be able to write. A virtual cluster that is not registered is an error naming " +
			"those that are.",
		Attributes: map[string]schema.Attribute{
			"allocated": perDimension("What the virtual cluster's tenants hold of each envelope dimension, per broker, counting every quota on the cluster " +
				"(`producer_byte_rate` and `consumer_byte_rate` in bytes per second, `request_percentage`, and `partitions` as partition replicas per broker), " +
				"rounded to whole units. Null without an envelope; a dimension the envelope does not declare is absent."),
			"bootstrap_servers": schema.ListAttribute{
				MarkdownDescription: "The broker addresses its tenants connect to, as `host:port`, when the virtual cluster sets its own; null when its tenants use the provider's.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"capacity": schema.SingleNestedAttribute{
				MarkdownDescription: "The capacity envelope, per broker; null when it declares none, and a dimension it leaves out is null.",
				Computed:            true,
				Attributes: map[string]schema.Attribute{
					"consumer_byte_rate": computedWholeNumber("Bytes per second its tenants may fetch from each broker together."),
					"partitions":         computedWholeNumber("Partition replicas its tenants' topics may place on each broker, on average."),
					"producer_byte_rate": computedWholeNumber("Bytes per second its tenants may produce to each broker together."),
					"request_percentage": schema.Float64Attribute{MarkdownDescription: "Request-thread percentage its tenants may use on each broker together.", Computed: true},
				},
			},
			"client_properties": schema.MapAttribute{
				MarkdownDescription: "Kafka client settings for the virtual cluster's teams: `bootstrap.servers`, `security.protocol` and, when the provider uses SASL, " +
					"`sasl.mechanism`. Never contains a password.",
				ElementType: types.StringType,
				Computed:    true,
			},
			"free": perDimension("What is left of each declared envelope dimension, per broker: the envelope minus `allocated`; negative when overcommitted. Null without an envelope."),
			"id":   schema.StringAttribute{MarkdownDescription: "The virtual cluster's name.", Computed: true},
			"name": schema.StringAttribute{
				MarkdownDescription: "The virtual cluster's name, as its `kafkatenant_virtual_cluster` resource sets it.",
				Required:            true,
				Validators:          []validator.String{validators.ObjectName()},
			},
			"prefix": schema.StringAttribute{MarkdownDescription: "The prefix of every topic, consumer group and transactional id of its tenants.", Computed: true},
			"shared_topics": schema.SetAttribute{
				MarkdownDescription: "Topics outside the prefix that every tenant of the virtual cluster may read; null when it shares none.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"tenants": schema.ListAttribute{
				MarkdownDescription: "The names of its tenants, sorted; look one up with the `kafkatenant_tenant` data source.",
				ElementType:         types.StringType,
				Computed:            true,
			},
		},
	}
}

func (d *virtualClusterDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *virtualClusterDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m virtualClusterDataModel
	ctx, end, ok := d.data.startRead(ctx, req, resp, &m)
	defer end()
	if !ok {
		return
	}
	vc, _, ok := d.data.lookupVirtualCluster(ctx, m.Name.ValueString(), path.Root("name"), &resp.Diagnostics)
	if !ok {
		return
	}
	// Read here, not only inside the resource's state builder, so that a
	// failure is reported; the builder then reads the same snapshot.
	in, err := d.data.capacityInputs(ctx, false)
	if err != nil {
		d.data.clusterError(&resp.Diagnostics, "read the quotas and principals on the cluster", err)
		return
	}
	s := (&virtualClusterResource{data: d.data}).state(ctx, vc)
	var tenants []string
	for _, t := range in.ns.TenantsOf(vc.Name) {
		tenants = append(tenants, t.Name)
	}
	list, diags := types.ListValueFrom(ctx, types.StringType, append([]string{}, tenants...))
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, virtualClusterDataModel{
		Allocated:        s.Allocated,
		BootstrapServers: s.BootstrapServers,
		Capacity:         s.Capacity,
		ClientProperties: s.ClientProperties,
		Free:             s.Free,
		ID:               s.ID,
		Name:             s.Name,
		Prefix:           s.Prefix,
		SharedTopics:     s.SharedTopics,
		Tenants:          list,
	})...)
}
