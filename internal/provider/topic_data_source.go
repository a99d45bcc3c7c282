package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/validators"
)

var (
	_ datasource.DataSource              = (*topicDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*topicDataSource)(nil)
)

// NewTopicDataSource returns the kafkatenant_topic data source.
func NewTopicDataSource() datasource.DataSource { return &topicDataSource{} }

// topicDataSource reads a topic, whoever created it.
type topicDataSource struct {
	data *providerData
}

func (d *topicDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_topic"
}

func (d *topicDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A topic as the cluster holds it, whichever workspace or tool created it: its partitions, replication factor, the configs set " +
			"on it (broker defaults are left out, as the `kafkatenant_topic` resource leaves them out) and the tenant whose prefix it lies in. " +
			"A topic that does not exist is an error.",
		Attributes: map[string]schema.Attribute{
			"config": schema.MapAttribute{
				MarkdownDescription: "Every config set on the topic itself, such as `retention.ms`; keys left at the broker's default are absent. Empty when none is set.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"id": schema.StringAttribute{MarkdownDescription: "The topic name.", Computed: true},
			"name": schema.StringAttribute{
				MarkdownDescription: "The topic's full name, such as `london.payments.orders`.",
				Required:            true,
				Validators:          []validator.String{validators.TopicName()},
			},
			"partitions":         computedWholeNumber("The partition count."),
			"replication_factor": computedWholeNumber("Replicas per partition."),
			"tenant": schema.StringAttribute{
				MarkdownDescription: "The tenant whose topic prefix the name lies in, as the registry says; null for a topic outside every tenant's namespace.",
				Computed:            true,
			},
			"topic_id": schema.StringAttribute{MarkdownDescription: "The topic's UUID as Kafka reports it.", Computed: true},
		},
	}
}

func (d *topicDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *topicDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m topicModel
	ctx, end, ok := d.data.startRead(ctx, req, resp, &m)
	defer end()
	if !ok {
		return
	}
	name := m.Name.ValueString()
	snap, err := d.data.snapshot(ctx)
	if err != nil {
		d.data.clusterError(&resp.Diagnostics, fmt.Sprintf("read topic %q", name), err)
		return
	}
	desc, found, err := snap.Topic(ctx, name)
	if err != nil {
		d.data.clusterError(&resp.Diagnostics, fmt.Sprintf("read topic %q", name), err)
		return
	}
	if !found {
		topicNotFound(&resp.Diagnostics, name)
		return
	}
	ns, err := d.data.namespaces(ctx, false)
	if err != nil {
		d.data.clusterError(&resp.Diagnostics, "read the registry", err)
		return
	}
	// The resource's read after import, which adopts every config set on
	// the topic.
	s := topicState(ctx, desc, types.MapNull(types.StringType), true)
	if s.Config.IsNull() {
		s.Config = mustStringMap(nil)
	}
	s.Tenant = owningTenant(ns, name)
	resp.Diagnostics.Append(resp.State.Set(ctx, s)...)
}
