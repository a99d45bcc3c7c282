package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

var (
	_ datasource.DataSource              = (*capacityDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*capacityDataSource)(nil)
)

// NewCapacityDataSource returns the kafkatenant_capacity data source.
func NewCapacityDataSource() datasource.DataSource { return &capacityDataSource{} }

// capacityDataSource summarises declared, usable, allocated and free
// capacity, overall and per virtual cluster.
type capacityDataSource struct {
	data *providerData
}

// capacityDataModel maps kafkatenant_capacity.
type capacityDataModel struct {
	Allocated         types.Map    `tfsdk:"allocated"`
	Allowed           types.Map    `tfsdk:"allowed"`
	BrokerCount       types.Int64  `tfsdk:"broker_count"`
	Declared          types.Bool   `tfsdk:"declared"`
	Free              types.Map    `tfsdk:"free"`
	ID                types.String `tfsdk:"id"`
	NotChecked        types.Map    `tfsdk:"not_checked"`
	PartitionReplicas types.Object `tfsdk:"partition_replicas"`
	Unbounded         types.List   `tfsdk:"unbounded"`
	Usable            types.Map    `tfsdk:"usable"`
	VirtualClusters   types.Map    `tfsdk:"virtual_clusters"`
}

var (
	partitionReplicasType = types.ObjectType{AttrTypes: map[string]attr.Type{"allowed": types.Int64Type, "used": types.Int64Type, "free": types.Int64Type}}
	vcCapacityType        = types.ObjectType{AttrTypes: map[string]attr.Type{
		"allocated": types.MapType{ElemType: types.Float64Type}, "envelope": types.MapType{ElemType: types.Float64Type}, "free": types.MapType{ElemType: types.Float64Type},
	}}
)

func (d *capacityDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_capacity"
}

func (d *capacityDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	perKey := func(desc string) schema.MapAttribute {
		return schema.MapAttribute{MarkdownDescription: desc, ElementType: types.Float64Type, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The cluster's capacity as the provider declares it, and how much of it the client quotas on the cluster promise: " +
			"usable, allowed, allocated and free per quota key, overall and per virtual cluster, plus partition replicas. Every quota on the cluster " +
			"counts, whichever workspace or tool set it. Byte rates are bytes per second per broker, `request_percentage` is per broker, " +
			"`controller_mutation_rate` is cluster-wide. Figures are rounded to whole bytes per second, whole percent and whole partition replicas, and to " +
			"hundredths of a partition mutation per second; plans check the exact figures.",
		Attributes: map[string]schema.Attribute{
			"allocated":    perKey("What the quotas on the cluster add up to per key, counting one bucket per entity Kafka enforces separately (a `<default>` user quota once per principal it covers)."),
			"allowed":      perKey("What the quotas may add up to per key: usable × oversubscription."),
			"broker_count": schema.Int64Attribute{MarkdownDescription: "The broker count used: declared, or discovered from the cluster.", Computed: true},
			"declared":     schema.BoolAttribute{MarkdownDescription: "Whether the provider declares any capacity; without it nothing is checked.", Computed: true},
			"free":         perKey("allowed − allocated per key; negative when overcommitted."),
			"id":           schema.StringAttribute{MarkdownDescription: "Always `capacity`.", Computed: true},
			"not_checked": schema.MapAttribute{
				MarkdownDescription: "Keys that are not checked, with the reason (which capacity attribute is not declared).",
				ElementType:         types.StringType, Computed: true,
			},
			"partition_replicas": schema.SingleNestedAttribute{
				MarkdownDescription: "Partition replicas: `allowed` (partitions_per_broker × brokers, 0 when not declared), `used` on the cluster, and `free`.",
				Computed:            true,
				Attributes: map[string]schema.Attribute{
					"allowed": schema.Int64Attribute{Computed: true, MarkdownDescription: "Replicas the cluster may host."},
					"free":    schema.Int64Attribute{Computed: true, MarkdownDescription: "allowed − used."},
					"used":    schema.Int64Attribute{Computed: true, MarkdownDescription: "Replicas on the cluster now."},
				},
			},
			"unbounded": schema.ListAttribute{
				MarkdownDescription: "Why some totals have no bound, one entry per quota key and reason, as `<key>: <reason>`: principals no quota covers for that key " +
					"(every principal that can log in, when the cluster has no quotas at all), and `<default>` client-id quotas that multiply across client ids. Each " +
					"says how to bound it. Every key counts, whether or not a capacity is declared for it, since an unbounded principal may use a whole broker " +
					"either way. An empty list when every total is bounded, never null.",
				ElementType: types.StringType, Computed: true,
			},
			"usable": perKey("Usable capacity per key after headroom."),
			"virtual_clusters": schema.MapAttribute{
				MarkdownDescription: "Per virtual cluster with a capacity envelope: its `envelope`, what its tenants hold (`allocated`) and what is left (`free`).",
				ElementType:         vcCapacityType, Computed: true,
			},
		},
	}
}

func (d *capacityDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *capacityDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx, end := d.data.begin(ctx)
	defer end()
	if !d.data.canReachCluster() {
		deferredChecksWarning(&resp.Diagnostics)
		return
	}
	in, err := d.data.capacityInputs(ctx, false)
	if err != nil {
		d.data.clusterError(&resp.Diagnostics, "read the quotas and principals on the cluster", err)
		return
	}
	snap, err := d.data.snapshot(ctx)
	if err != nil {
		d.data.clusterError(&resp.Diagnostics, "read the cluster", err)
		return
	}
	brokers := len(snap.Brokers())
	if in.capacity.BrokerCount == 0 {
		in.capacity.BrokerCount = brokers
	}
	report := tenancy.Allocate(in.capacity, in.quotas, in.principals)
	m := capacityDataModel{ID: types.StringValue("capacity"), Declared: types.BoolValue(d.data.capacityDeclared), BrokerCount: types.Int64Value(int64(in.capacity.BrokerCount))}
	usable, allowed, allocated, free := map[string]float64{}, map[string]float64{}, map[string]float64{}, map[string]float64{}
	notChecked := map[string]attr.Value{}
	// A principal no quota covers may use a whole broker whether or not a
	// capacity is declared to measure that against, so every key lists its
	// unbounded reasons; none at all is an empty list, not null.
	unbounded := []string{}
	for key, k := range report.Keys {
		allocated[string(key)] = k.Allocated
		for _, u := range k.Unbounded {
			unbounded = append(unbounded, string(key)+": "+u.Reason)
		}
		if !k.Checked {
			notChecked[string(key)] = types.StringValue(k.NotChecked)
			continue
		}
		usable[string(key)], allowed[string(key)], free[string(key)] = k.Usable, k.Allowed, k.Free
	}
	sort.Strings(unbounded)
	m.Usable, m.Allowed, m.Allocated, m.Free = roundedMapValue(usable), roundedMapValue(allowed), roundedMapValue(allocated), roundedMapValue(free)
	m.NotChecked = types.MapValueMust(types.StringType, notChecked)
	m.Unbounded, _ = types.ListValueFrom(ctx, types.StringType, unbounded)

	replicas := snap.TopicReplicas()
	used := 0
	for _, n := range replicas {
		used += n
	}
	limit, _ := in.capacity.PartitionReplicas()
	m.PartitionReplicas = types.ObjectValueMust(partitionReplicasType.AttrTypes, map[string]attr.Value{
		"allowed": types.Int64Value(int64(limit)), "used": types.Int64Value(int64(used)), "free": types.Int64Value(int64(limit - used)),
	})

	vcs := map[string]attr.Value{}
	for name, vc := range in.ns.VirtualClusters {
		if vc.Envelope == nil {
			continue
		}
		alloc, left := envelopeAllocation(in, vc, replicas, brokers)
		env := map[string]float64{}
		for _, dim := range []string{string(tenancy.ProducerByteRate), string(tenancy.ConsumerByteRate), string(tenancy.RequestPercentage), "partitions"} {
			if v := envelopeValue(*vc.Envelope, dim); v > 0 {
				env[dim] = v
			}
		}
		vcs[name] = types.ObjectValueMust(vcCapacityType.AttrTypes, map[string]attr.Value{
			"allocated": roundedMapValue(alloc), "envelope": floatMapValue(env), "free": roundedMapValue(left),
		})
	}
	m.VirtualClusters = types.MapValueMust(vcCapacityType, vcs)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
