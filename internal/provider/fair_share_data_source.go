package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/validators"
)

var (
	_ datasource.DataSource                   = (*fairShareDataSource)(nil)
	_ datasource.DataSourceWithConfigure      = (*fairShareDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*fairShareDataSource)(nil)
)

// NewFairShareDataSource returns the kafkatenant_fair_share data source.
func NewFairShareDataSource() datasource.DataSource { return &fairShareDataSource{} }

// fairShareDataSource divides a virtual cluster's envelope, or the
// cluster's capacity, among tenants by weighted max-min fairness, following
// their observed demand, into quotas for kafkatenant_quota.
type fairShareDataSource struct {
	data *providerData
}

// fairShareModel maps kafkatenant_fair_share.
type fairShareModel struct {
	Allocations    types.Map     `tfsdk:"allocations"`
	Demand         types.Object  `tfsdk:"demand"`
	Explanations   types.Map     `tfsdk:"explanations"`
	Hysteresis     types.Float64 `tfsdk:"hysteresis"`
	ID             types.String  `tfsdk:"id"`
	Keys           types.Set     `tfsdk:"keys"`
	MetricsSource  types.String  `tfsdk:"metrics_source"`
	Quotas         types.Map     `tfsdk:"quotas"`
	Tenants        types.Map     `tfsdk:"tenants"`
	Totals         types.Map     `tfsdk:"totals"`
	VirtualCluster types.String  `tfsdk:"virtual_cluster"`
	Warnings       types.List    `tfsdk:"warnings"`
}

// fairShareDemandModel maps the demand attribute.
type fairShareDemandModel struct {
	Headroom types.Float64 `tfsdk:"headroom"`
	Window   types.String  `tfsdk:"window"`
}

// fairShareTenantModel maps one entry of tenants.
type fairShareTenantModel struct {
	Ceiling types.Map     `tfsdk:"ceiling"`
	Floor   types.Map     `tfsdk:"floor"`
	Weight  types.Float64 `tfsdk:"weight"`
}

// Defaults of the fair share's optional settings.
const (
	defaultShareHeadroom   = 1.2
	defaultShareHysteresis = 0.05
	defaultShareWeight     = 1.0
	maxShareHeadroom       = 10
	maxShareHysteresis     = 0.5
	maxShareWindow         = 31 * 24 * time.Hour
)

var (
	fairShareQuotasType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"consumer_byte_rate": types.Int64Type, "producer_byte_rate": types.Int64Type, "request_percentage": types.Float64Type,
	}}
	fairShareAllocationType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"ceiling": types.Float64Type, "computed": types.Float64Type, "current": types.Float64Type, "demand": types.Float64Type,
		"floor": types.Float64Type, "quota": types.Float64Type, "reason": types.StringType, "share": types.Float64Type, "throttled": types.BoolType,
	}}
	fairShareTotalsType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"allocated": types.Float64Type, "available": types.Float64Type, "demand_observed": types.BoolType,
		"held_elsewhere": types.Float64Type, "limit": types.Float64Type,
	}}
)

func (d *fairShareDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_fair_share"
}

func (d *fairShareDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	keyNames := make([]string, len(tenancy.FairShareKeys))
	for i, k := range tenancy.FairShareKeys {
		keyNames[i] = string(k)
	}
	boundMap := func(desc string) schema.MapAttribute {
		return schema.MapAttribute{
			MarkdownDescription: desc + " Keyed by quota key (" + markdownList(keyNames) + "), per broker: bytes per second (whole numbers) or percent of one thread.",
			ElementType:         types.Float64Type, Optional: true,
			Validators: []validator.Map{
				mapvalidator.KeysAre(stringvalidator.OneOf(keyNames...)),
				mapvalidator.ValueFloat64sAre(float64validator.AtLeast(0)),
			},
		}
	}
	reasons := make([]string, len(tenancy.ShareReasons))
	for i, r := range tenancy.ShareReasons {
		reasons[i] = string(r)
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Per-broker quotas that give every tenant its fair share of a virtual cluster's envelope or of the whole cluster, " +
			"following its observed demand: weighted max-min fairness (water-filling), computed at plan time, for `kafkatenant_quota` to apply. " +
			"A tenant whose demand × headroom is below its weighted share gets that (never less than its floor); the rest is split among the " +
			"others by weight, up to their ceilings. The quotas never add up to more than the scope leaves after the quotas of everyone outside " +
			"the share. The same inputs (configuration, cluster quotas, observed traffic) give the same quotas, and quota changes smaller than " +
			"`hysteresis` are not proposed, so a scheduled `terraform apply` does what managed Kafka services do with a control loop without " +
			"churning the cluster. How the share is computed, with a worked example, is on this page; running it on a schedule is in the fair share guide.",
		Attributes: map[string]schema.Attribute{
			"allocations": schema.MapAttribute{
				MarkdownDescription: "Per tenant, per shared key: `quota` given, `reason` (" + markdownList(reasons) + "), the weighted `share` (what it would get " +
					"if it asked for everything), observed `demand` (the highest per-broker rate; null without demand), `throttled` (demand did not cap it " +
					"because a broker throttles it), effective `floor` and `ceiling` (null when none), the `current` quota on the cluster (null when none) " +
					"and the `computed` quota before hysteresis.",
				ElementType: types.MapType{ElemType: fairShareAllocationType}, Computed: true,
			},
			"demand": schema.SingleNestedAttribute{
				MarkdownDescription: "Follow each tenant's observed demand, read from the provider's `metrics` source (required with this). Without it the " +
					"shares are by weight alone. A tenant's demand for a key is the highest rate any one broker reports for its user (all client ids summed); " +
					"a tenant with no series sent nothing and its demand is 0. A tenant a broker throttles is not capped by demand, as its observed rate " +
					"is its quota; a key no tenant has traffic for is shared by weight alone.",
				Optional: true,
				Attributes: map[string]schema.Attribute{
					"headroom": schema.Float64Attribute{
						MarkdownDescription: fmt.Sprintf("What observed demand is multiplied by, so a tenant can grow between two runs: 1.2 leaves 20%% above its peak. "+
							"From 1 to %d. Defaults to %v.", maxShareHeadroom, defaultShareHeadroom),
						Optional: true, Validators: []validator.Float64{float64validator.Between(1, maxShareHeadroom)},
					},
					"window": schema.StringAttribute{
						MarkdownDescription: "With a Prometheus source (`metrics.prometheus_url`), demand is the highest value over this window up to now, as a Go " +
							"duration from `1s` to `744h` (31 days) such as `1h`. Unset, demand is the present value. The text endpoints (`metrics.endpoints`) know only present values, " +
							"which are Kafka's rates over its quota window (11 seconds by default); with them a window is an error.",
						Optional: true, Validators: []validator.String{validators.DurationBetween(time.Second, maxShareWindow)},
					},
				},
			},
			"explanations": schema.MapAttribute{
				MarkdownDescription: "Per tenant, a few lines a person can read in the plan: one per shared key with the quota, why (" + markdownList(reasons) +
					") and the figures behind it.",
				ElementType: types.StringType, Computed: true,
			},
			"hysteresis": schema.Float64Attribute{
				MarkdownDescription: fmt.Sprintf("A tenant keeps its current quota when the computed one differs from it by less than this fraction of it, and "+
					"the current quota lies within its floor and ceiling and still fits the scope, so schedules do not churn the cluster. From 0 (always "+
					"change) to %v. Defaults to %v.", maxShareHysteresis, defaultShareHysteresis),
				Optional: true, Validators: []validator.Float64{float64validator.Between(0, maxShareHysteresis)},
			},
			"id": schema.StringAttribute{MarkdownDescription: "`virtual_cluster/<name>` or `cluster`.", Computed: true},
			"keys": schema.SetAttribute{
				MarkdownDescription: "The quota keys to share: " + markdownList(keyNames) + ". Defaults to those the scope bounds: the keys the virtual " +
					"cluster's envelope declares, or the keys the provider's `capacity` declares. `controller_mutation_rate` is one cluster-wide pool and is not shared.",
				ElementType: types.StringType, Optional: true,
				Validators: []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(stringvalidator.OneOf(keyNames...))},
			},
			"metrics_source": schema.StringAttribute{MarkdownDescription: "Where demand was read: `prometheus`, `endpoints`, or `none` without `demand`.", Computed: true},
			"quotas": schema.MapAttribute{
				MarkdownDescription: "Per tenant, the per-broker quota to give it: `producer_byte_rate`, `consumer_byte_rate` (bytes per second) and " +
					"`request_percentage`, null for keys not shared. Feed it to `kafkatenant_quota` with `for_each` over the tenants.",
				ElementType: fairShareQuotasType, Computed: true,
			},
			"tenants": schema.MapNestedAttribute{
				MarkdownDescription: "The tenants taking part, by tenant name (the `kafkatenant_tenant` resource's `name`), each with its weight and optional floor " +
					"and ceiling. In a virtual cluster they must be its tenants.",
				Required: true,
				Validators: []validator.Map{
					mapvalidator.SizeAtLeast(1),
					mapvalidator.KeysAre(validators.ObjectName()),
				},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"ceiling": boundMap("The most the tenant may get per key, whatever its share."),
					"floor": boundMap("The guaranteed minimum per key, given even with no traffic. Without one, an idle tenant gets the smallest quota there is " +
						"(1 byte per second, 0.01%) and grows back by the headroom each run, so give tenants that must be able to start at once a floor."),
					"weight": schema.Float64Attribute{
						MarkdownDescription: fmt.Sprintf("The tenant's weight: shares are proportional to it. From 0.001 to %d. Defaults to %v.", tenancy.MaxShareWeight, defaultShareWeight),
						Optional:            true, Validators: []validator.Float64{float64validator.Between(0.001, tenancy.MaxShareWeight)},
					},
				}},
			},
			"totals": schema.MapAttribute{
				MarkdownDescription: "Per shared key: the scope's `limit` (the envelope, or usable × oversubscription), what quotas outside the share hold " +
					"(`held_elsewhere`), `available` = limit − held_elsewhere, the quotas' sum (`allocated`, never above available) and `demand_observed` " +
					"(false when no tenant had traffic for the key, which is then shared by weight alone).",
				ElementType: fairShareTotalsType, Computed: true,
			},
			"virtual_cluster": schema.StringAttribute{
				MarkdownDescription: "The virtual cluster whose envelope is shared. Unset, the scope is the whole cluster: the provider's declared capacity, " +
					"usable × oversubscription. Reference the virtual cluster resource's `name`, so that Terraform reads this after creating it.",
				Optional: true, Validators: []validator.String{validators.ObjectName()},
			},
			"warnings": schema.ListAttribute{MarkdownDescription: "What the metrics source reported without failing, such as partial data.", ElementType: types.StringType, Computed: true},
		},
	}
}

func (d *fairShareDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks each tenant's weight, floors and ceilings offline,
// against the keys when they are known.
func (d *fairShareDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var m fairShareModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Keys.IsUnknown() {
		return
	}
	keys := tenancy.FairShareKeys
	if !m.Keys.IsNull() {
		keys = quotaKeys(setOfStrings(ctx, m.Keys))
	}
	if m.Tenants.IsUnknown() {
		return
	}
	for name, t := range tenantsOf(ctx, m.Tenants) {
		if t.Weight.IsUnknown() || t.Floor.IsUnknown() || t.Ceiling.IsUnknown() {
			continue
		}
		if err := shareTenant(ctx, name, t).Validate(keys); err != nil {
			invalidShareTenant(&resp.Diagnostics, name, err)
		}
	}
}

func (d *fairShareDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx, end := d.data.begin(ctx)
	defer end()
	var m fairShareModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !d.data.canReachCluster() {
		deferredChecksWarning(&resp.Diagnostics)
		return
	}
	in, err := d.data.capacityInputs(ctx, false)
	if err != nil {
		d.data.clusterError(&resp.Diagnostics, "read the quotas, principals and registry", err)
		return
	}
	share, ok := d.request(ctx, m, in, &resp.Diagnostics)
	if !ok {
		return
	}
	m.MetricsSource, m.Warnings = types.StringValue("none"), types.ListValueMust(types.StringType, nil)
	if !m.Demand.IsNull() {
		var demand fairShareDemandModel
		resp.Diagnostics.Append(m.Demand.As(ctx, &demand, basetypes.ObjectAsOptions{})...)
		if resp.Diagnostics.HasError() {
			return
		}
		warnings, ok := d.readDemand(ctx, &demand, share, &resp.Diagnostics)
		if !ok {
			return
		}
		m.MetricsSource = types.StringValue(d.data.metrics.kind)
		m.Warnings, _ = types.ListValueFrom(ctx, types.StringType, warnings)
	}
	result, err := tenancy.FairShare(share.req)
	var floors *tenancy.FloorsExceedError
	switch {
	case errors.As(err, &floors):
		shareFloorsExceed(&resp.Diagnostics, share.scope.name, floors, share.scope.limits[floors.Key])
		return
	case err != nil:
		invalidFairShare(&resp.Diagnostics, err)
		return
	}
	m.ID = types.StringValue(share.scope.id)
	m.Quotas, m.Allocations, m.Explanations, m.Totals = share.outputs(result)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// readDemand reads every tenant's observed traffic into the request and
// returns the source's warnings.
func (d *fairShareDataSource) readDemand(ctx context.Context, demand *fairShareDemandModel, share *fairShare, diags *diag.Diagnostics) ([]string, bool) {
	if d.data.metrics.source == nil {
		shareDemandWithoutMetrics(diags)
		return nil, false
	}
	var window time.Duration
	if w := demand.Window.ValueString(); w != "" {
		window, _ = time.ParseDuration(w) // validated by the schema
		if d.data.metrics.kind != "prometheus" {
			shareWindowWithoutPrometheus(diags, w, d.data.metrics.kind)
			return nil, false
		}
	}
	share.req.UseDemand, share.req.Headroom = true, defaultShareHeadroom
	if !demand.Headroom.IsNull() {
		share.req.Headroom = demand.Headroom.ValueFloat64()
	}
	observed, err := d.data.metrics.source.ObserveUsers(ctx, share.userList(), window)
	if err != nil {
		metricsReadFailed(diags, d.data.metrics.kind, err)
		return nil, false
	}
	share.setDemand(observed.Observations)
	return observed.Warnings, true
}

// quotaKeys converts key names.
func quotaKeys(names []string) []tenancy.QuotaKey {
	out := make([]tenancy.QuotaKey, 0, len(names))
	for _, n := range tenancy.FairShareKeys {
		for _, name := range names {
			if string(n) == strings.TrimSpace(name) {
				out = append(out, n)
			}
		}
	}
	return out
}

// shareTenant converts a tenant's configuration.
func shareTenant(ctx context.Context, name string, t fairShareTenantModel) tenancy.ShareTenant {
	st := tenancy.ShareTenant{Name: name, Weight: defaultShareWeight}
	if !t.Weight.IsNull() {
		st.Weight = t.Weight.ValueFloat64()
	}
	bound := func(m types.Map) map[tenancy.QuotaKey]float64 {
		out := map[tenancy.QuotaKey]float64{}
		for k, v := range floatMap(ctx, m) {
			out[tenancy.QuotaKey(k)] = v
		}
		return out
	}
	st.Floor, st.Ceiling = bound(t.Floor), bound(t.Ceiling)
	return st
}

// tenantsOf converts the tenants attribute, known by Read.
func tenantsOf(ctx context.Context, m types.Map) map[string]fairShareTenantModel {
	out := map[string]fairShareTenantModel{}
	m.ElementsAs(ctx, &out, false)
	return out
}

// tenantPath is the configuration path of one tenant's entry.
func tenantPath(name string) path.Path { return path.Root("tenants").AtMapKey(name) }
