package provider

import (
	"context"
	"math"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

var (
	_ datasource.DataSource                     = (*throttleStatusDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*throttleStatusDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*throttleStatusDataSource)(nil)
)

// NewThrottleStatusDataSource returns the kafkatenant_throttle_status data
// source.
func NewThrottleStatusDataSource() datasource.DataSource { return &throttleStatusDataSource{} }

// throttleStatusDataSource reports which quotas apply to a tenant, its
// share of capacity, and whether it is being throttled.
type throttleStatusDataSource struct {
	data *providerData
}

// throttleStatusModel maps kafkatenant_throttle_status.
type throttleStatusModel struct {
	CapacityShare       types.Map    `tfsdk:"capacity_share"`
	ClientIDs           types.List   `tfsdk:"client_ids"`
	EffectiveQuotas     types.List   `tfsdk:"effective_quotas"`
	ID                  types.String `tfsdk:"id"`
	MetricsSource       types.String `tfsdk:"metrics_source"`
	Observations        types.List   `tfsdk:"observations"`
	Reason              types.String `tfsdk:"reason"`
	Status              types.String `tfsdk:"status"`
	Tenant              types.String `tfsdk:"tenant"`
	User                types.String `tfsdk:"user"`
	Utilisation         types.List   `tfsdk:"utilisation"`
	VirtualCluster      types.String `tfsdk:"virtual_cluster"`
	VirtualClusterShare types.Map    `tfsdk:"virtual_cluster_share"`
	Warnings            types.List   `tfsdk:"warnings"`
}

var (
	effectiveQuotaType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"client_id": types.StringType, "entity": types.StringType, "key": types.StringType, "level": types.Int64Type, "value": types.Float64Type,
	}}
	observationType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"broker": types.StringType, "fetch_bytes_per_second": types.Float64Type, "fetch_throttle_ms": types.Float64Type,
		"produce_bytes_per_second": types.Float64Type, "produce_throttle_ms": types.Float64Type,
		"request_throttle_ms": types.Float64Type, "request_time_percent": types.Float64Type,
	}}
	utilisationType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"fraction": types.Float64Type, "key": types.StringType, "limited": types.BoolType, "observed": types.BoolType,
		"peak": types.Float64Type, "peak_broker": types.StringType, "quota": types.Float64Type, "throttle_ms": types.Float64Type,
	}}
)

func (d *throttleStatusDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_throttle_status"
}

func (d *throttleStatusDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computedList := func(desc string, elem attr.Type) schema.ListAttribute {
		return schema.ListAttribute{MarkdownDescription: desc, ElementType: elem, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Whether a tenant is being throttled, and why. It resolves the quotas that apply to the tenant through Kafka's eight levels of " +
			"precedence (user and client id, their `<default>` forms), each key on its own, shows its share of the declared capacity and of its virtual " +
			"cluster's envelope, and, when the provider has a `metrics` source, reads observed byte rates, request time and throttle time per broker. " +
			"The status is `" + strings.Join(throttleStateNames(), "`, `") + "`. The Kafka admin protocol cannot see another principal's throttling, " +
			"so without metrics the status of a tenant with quotas is `unknown` rather than a guess.",
		Attributes: map[string]schema.Attribute{
			"capacity_share": schema.MapAttribute{
				MarkdownDescription: "Per quota key, the tenant's effective quota as a fraction of the allowed capacity (per broker; cluster-wide for the controller mutation rate), to four decimals. Only keys with a quota and a declared capacity.",
				ElementType:         types.Float64Type, Computed: true,
			},
			"client_ids": schema.ListAttribute{
				MarkdownDescription: "Client ids to resolve quotas for and, with metrics, to observe. Empty means every client of the tenant. With exactly one, the status judges that client's quotas.",
				ElementType:         types.StringType, Optional: true,
			},
			"effective_quotas": computedList("The quota that applies per key: for any client id (`client_id` empty) and for each of `client_ids`, with the entity it comes from and "+
				"its precedence level (1 = user and client id, 8 = default client id). Keys without a quota are unlimited and absent.", effectiveQuotaType),
			"id":             schema.StringAttribute{MarkdownDescription: "The user name.", Computed: true},
			"metrics_source": schema.StringAttribute{MarkdownDescription: "`prometheus`, `endpoints` or `none`.", Computed: true},
			"observations":   computedList("Per broker, what the metrics source observed; a value not observed is null.", observationType),
			"reason":         schema.StringAttribute{MarkdownDescription: "The status in words, naming brokers and quotas.", Computed: true},
			"status": schema.StringAttribute{
				MarkdownDescription: "`" + strings.Join(throttleStateNames(), "`, `") + "`, decided in that order, each broker's rate set against the quota on its own: " +
					"`unlimited` when no producer, consumer or request quota applies; `unknown` without a metrics source; `throttled` when any broker reports a " +
					"throttle time above zero; `over_quota` when a rate is above its quota but no broker reports throttle time yet (Kafka's throttle time is " +
					"an average over its quota window and lags behind the rate); `near_limit` when a rate is at or above the provider's `metrics.near_limit_fraction` " +
					"of its quota (default 0.8, the boundary included) and at most the quota; `ok` otherwise, including when the tenant has no series (no recent traffic).",
				Computed: true,
			},
			"tenant": schema.StringAttribute{MarkdownDescription: "The tenant, by name. Exactly one of `tenant` and `user`.", Optional: true},
			"user": schema.StringAttribute{
				MarkdownDescription: "The user (without `User:`) when not looking up a tenant; with `tenant`, the tenant's user, computed.",
				Optional:            true, Computed: true,
			},
			"utilisation":     computedList("Per byte-rate and request key: the quota, the peak rate observed on any broker and where, the fraction of the quota, and the longest throttle time.", utilisationType),
			"virtual_cluster": schema.StringAttribute{MarkdownDescription: "The tenant's virtual cluster, if any.", Computed: true},
			"virtual_cluster_share": schema.MapAttribute{
				MarkdownDescription: "Per envelope key, the tenant's effective quota as a fraction of its virtual cluster's envelope, to four decimals.",
				ElementType:         types.Float64Type, Computed: true,
			},
			"warnings": computedList("What the metrics source reported without failing, such as partial data.", types.StringType),
		},
	}
}

func throttleStateNames() []string {
	out := make([]string, len(tenancy.ThrottleStates))
	for i, s := range tenancy.ThrottleStates {
		out[i] = string(s)
	}
	return out
}

func (d *throttleStatusDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("tenant"), path.MatchRoot("user"))}
}

func (d *throttleStatusDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *throttleStatusDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m throttleStatusModel
	ctx, end, ok := d.data.startRead(ctx, req, resp, &m)
	defer end()
	if !ok {
		return
	}
	in, err := d.data.capacityInputs(ctx, false)
	if err != nil {
		d.data.clusterError(&resp.Diagnostics, "read the quotas and principals on the cluster", err)
		return
	}
	user := strings.TrimPrefix(m.User.ValueString(), "User:")
	m.VirtualCluster = types.StringNull()
	var tenant tenancy.Tenant
	if name := m.Tenant.ValueString(); name != "" {
		t, ok := in.ns.Tenants[name]
		if !ok {
			throttleTenantNotFound(&resp.Diagnostics, name)
			return
		}
		tenant, user = t, username(t.Principal)
	} else if t, ok := in.ns.TenantByPrincipal("User:" + user); ok {
		tenant = t
	}
	if tenant.VirtualCluster != "" {
		m.VirtualCluster = types.StringValue(tenant.VirtualCluster)
	}
	m.User, m.ID, m.MetricsSource = types.StringValue(user), types.StringValue(user), types.StringValue(d.data.metrics.kind)

	clientIDs := listOfStrings(ctx, m.ClientIDs)
	judged := ""
	if len(clientIDs) == 1 {
		judged = clientIDs[0]
	}
	var quotas []attr.Value
	var effective map[tenancy.QuotaKey]tenancy.Effective
	for _, client := range append([]string{""}, clientIDs...) {
		resolved := tenancy.Resolve(in.quotas, user, client)
		if client == judged {
			effective = resolved
		}
		for _, key := range tenancy.CapacityKeys {
			if e, ok := resolved[key]; ok {
				quotas = append(quotas, types.ObjectValueMust(effectiveQuotaType.AttrTypes, map[string]attr.Value{
					"client_id": types.StringValue(client), "entity": types.StringValue(e.Entity.String()), "key": types.StringValue(string(key)),
					"level": types.Int64Value(int64(e.Level)), "value": types.Float64Value(e.Value),
				}))
			}
		}
	}
	m.EffectiveQuotas = types.ListValueMust(effectiveQuotaType, quotas)
	m.CapacityShare, m.VirtualClusterShare = d.shares(in, effective, tenant)

	var observed tenancy.StatusReport
	var obsValues, warnings []attr.Value
	if d.data.metrics.source != nil {
		result, err := d.data.metrics.source.Observe(ctx, user, clientIDs)
		if err != nil {
			metricsReadFailed(&resp.Diagnostics, d.data.metrics.kind, err)
			return
		}
		for _, o := range result.Observations {
			obsValues = append(obsValues, observationValue(o))
		}
		for _, w := range result.Warnings {
			warnings = append(warnings, types.StringValue(w))
		}
		observed = tenancy.Status(effective, result.Observations, true, d.data.metrics.nearFraction)
	} else {
		observed = tenancy.Status(effective, nil, false, d.data.metrics.nearFraction)
	}
	m.Observations = types.ListValueMust(observationType, obsValues)
	m.Warnings = types.ListValueMust(types.StringType, warnings)
	m.Status, m.Reason = types.StringValue(string(observed.State)), types.StringValue(observed.Reason)
	var util []attr.Value
	for _, u := range observed.Utilisation {
		util = append(util, types.ObjectValueMust(utilisationType.AttrTypes, map[string]attr.Value{
			"fraction": types.Float64Value(u.Fraction), "key": types.StringValue(string(u.Key)), "limited": types.BoolValue(u.Limited),
			"observed": types.BoolValue(u.Observed), "peak": types.Float64Value(u.Peak), "peak_broker": types.StringValue(u.PeakBroker),
			"quota": types.Float64Value(u.Quota.Value), "throttle_ms": types.Float64Value(u.ThrottleMs),
		}))
	}
	m.Utilisation = types.ListValueMust(utilisationType, util)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// shares returns the tenant's effective quotas as fractions of the allowed
// capacity and of its virtual cluster's envelope.
func (d *throttleStatusDataSource) shares(in capacityInputs, effective map[tenancy.QuotaKey]tenancy.Effective, t tenancy.Tenant) (types.Map, types.Map) {
	capacity, envelope := map[string]float64{}, map[string]float64{}
	c := in.capacity
	for key, e := range effective {
		if allowed, ok := c.Allowed(key); ok && d.data.capacityDeclared && allowed > 0 {
			capacity[string(key)] = roundShare(e.Value / allowed)
		}
		if vc, ok := in.ns.VirtualClusters[t.VirtualCluster]; ok && vc.Envelope != nil {
			if limit := envelopeValue(*vc.Envelope, string(key)); limit > 0 {
				envelope[string(key)] = roundShare(e.Value / limit)
			}
		}
	}
	return floatMapValue(capacity), floatMapValue(envelope)
}

// roundShare rounds a fraction to four decimals, a hundredth of a percent,
// so that shares read 0.3 rather than 0.30000000000000004.
func roundShare(f float64) float64 { return math.Round(f*1e4) / 1e4 }

func observationValue(o tenancy.Observation) attr.Value {
	f := func(v *float64) attr.Value {
		if v == nil {
			return types.Float64Null()
		}
		return types.Float64Value(*v)
	}
	return types.ObjectValueMust(observationType.AttrTypes, map[string]attr.Value{
		"broker": types.StringValue(o.Broker), "fetch_bytes_per_second": f(o.FetchBytesPerSecond), "fetch_throttle_ms": f(o.FetchThrottleMs),
		"produce_bytes_per_second": f(o.ProduceBytesPerSecond), "produce_throttle_ms": f(o.ProduceThrottleMs),
		"request_throttle_ms": f(o.RequestThrottleMs), "request_time_percent": f(o.RequestTimePercent),
	})
}
