package provider

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/metrics"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/validators"
)

// metricsModel maps the provider's metrics attribute: where observed
// traffic and throttling come from.
type metricsModel struct {
	BearerToken       types.String  `tfsdk:"bearer_token"`
	Endpoints         types.List    `tfsdk:"endpoints"`
	Names             *namesModel   `tfsdk:"names"`
	NearLimitFraction types.Float64 `tfsdk:"near_limit_fraction"`
	Password          types.String  `tfsdk:"password"`
	Preset            types.String  `tfsdk:"preset"`
	PrometheusURL     types.String  `tfsdk:"prometheus_url"`
	Timeout           types.String  `tfsdk:"timeout"`
	Username          types.String  `tfsdk:"username"`
}

// namesModel overrides metric and label names; its attributes map onto
// metrics.Names fields by the tfsdk tag.
type namesModel struct {
	BrokerLabel         types.String `tfsdk:"broker_label"`
	ClientIDLabel       types.String `tfsdk:"client_id_label"`
	FetchByteRate       types.String `tfsdk:"fetch_byte_rate"`
	FetchThrottleTime   types.String `tfsdk:"fetch_throttle_time"`
	ProduceByteRate     types.String `tfsdk:"produce_byte_rate"`
	ProduceThrottleTime types.String `tfsdk:"produce_throttle_time"`
	RequestThrottleTime types.String `tfsdk:"request_throttle_time"`
	RequestTime         types.String `tfsdk:"request_time"`
	RequestTypeLabel    types.String `tfsdk:"request_type_label"`
	UserLabel           types.String `tfsdk:"user_label"`
}

// Metric name presets: the JMX exporter rules Kafka setups commonly use.
const (
	presetConfluent = "confluent"
	presetExample   = "jmx_exporter_example"
)

var metricsPresets = []string{presetConfluent, presetExample}

// envMetrics is the environment variable of a metrics attribute.
func envMetrics(attribute string) string {
	return "KAFKATENANT_METRICS_" + strings.ToUpper(attribute)
}

var nameDescriptions = map[string]string{
	"broker_label":          "The label that tells brokers apart (default `instance`).",
	"client_id_label":       "The label holding the client id (default `client_id`).",
	"fetch_byte_rate":       "Gauge of fetch bytes per second per user and client id (default `kafka_server_fetch_byte_rate`).",
	"fetch_throttle_time":   "Gauge of fetch throttle time in ms (default `kafka_server_fetch_throttle_time`).",
	"produce_byte_rate":     "Gauge of produce bytes per second (default `kafka_server_produce_byte_rate`).",
	"produce_throttle_time": "Gauge of produce throttle time in ms (default `kafka_server_produce_throttle_time`).",
	"request_throttle_time": "Gauge of request throttle time in ms (default `kafka_server_request_throttle_time`).",
	"request_time":          "Gauge of request time in percent of a thread (default `kafka_server_request_request_time`).",
	"request_type_label":    "A label holding Produce, Fetch or Request, for rules that give all three one metric name (unset by default).",
	"user_label":            "The label holding the user (default `user`).",
}

func metricsSchema() schema.SingleNestedAttribute {
	names := map[string]schema.Attribute{}
	for name, desc := range nameDescriptions {
		names[name] = schema.StringAttribute{MarkdownDescription: desc + " Environment: `" + envMetrics("name_"+name) + "`.", Optional: true}
	}
	return schema.SingleNestedAttribute{
		MarkdownDescription: "Where `kafkatenant_throttle_status` reads observed traffic and throttle times: a Prometheus server's HTTP API, or the " +
			"Prometheus text endpoints of the brokers' JMX exporters. The Kafka admin protocol cannot see another principal's throttling, so without " +
			"this the status is `unknown`. Every attribute can come from `KAFKATENANT_METRICS_<ATTRIBUTE>`; metric names from `KAFKATENANT_METRICS_NAME_<NAME>`.",
		Optional: true,
		Attributes: map[string]schema.Attribute{
			"bearer_token": schema.StringAttribute{MarkdownDescription: "Bearer token for the metrics HTTP requests. Sensitive.", Optional: true, Sensitive: true},
			"endpoints": schema.ListAttribute{
				MarkdownDescription: "URLs of the brokers' Prometheus text endpoints (one per broker), such as `http://broker-1:7071/metrics`. Conflicts with `prometheus_url`.",
				ElementType:         types.StringType, Optional: true,
				Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("prometheus_url"))},
			},
			"names": schema.SingleNestedAttribute{
				MarkdownDescription: "Metric and label names, overriding the preset's.",
				Optional:            true,
				Attributes:          names,
			},
			"near_limit_fraction": schema.Float64Attribute{
				MarkdownDescription: fmt.Sprintf("The share of a quota from which an observed rate counts as `near_limit` in `kafkatenant_throttle_status`: a rate at "+
					"exactly this share of its quota is `near_limit`, and so is one at the quota itself; a rate above the quota is `over_quota` (or `throttled` once "+
					"a broker reports throttle time). From 0.01 to 1. Defaults to %v.", tenancy.DefaultNearFraction),
				Optional: true, Validators: []validator.Float64{float64validator.Between(0.01, 1)},
			},
			"password": schema.StringAttribute{MarkdownDescription: "Basic-auth password for the metrics HTTP requests. Sensitive.", Optional: true, Sensitive: true},
			"preset": schema.StringAttribute{
				MarkdownDescription: "The JMX exporter rule the metric names follow: " + markdownList(metricsPresets) + ". `confluent` (the default) is the rule " +
					"Confluent's jmx-monitoring-stacks ship (`kafka_server_produce_byte_rate{user,client_id}`); `jmx_exporter_example` is the JMX exporter's own " +
					"Kafka example (`kafka_server_quota_byte_rate{resource,user,clientId}`).",
				Optional: true, Validators: []validator.String{stringvalidator.OneOf(metricsPresets...)},
			},
			"prometheus_url": schema.StringAttribute{
				MarkdownDescription: "Base URL of a Prometheus server that scrapes the brokers, such as `http://prometheus:9090`.",
				Optional:            true,
			},
			"timeout":  schema.StringAttribute{MarkdownDescription: "Timeout of each metrics request, as a Go duration. Defaults to `10s`.", Optional: true, Validators: []validator.String{validators.Duration()}},
			"username": schema.StringAttribute{MarkdownDescription: "Basic-auth user for the metrics HTTP requests.", Optional: true},
		},
	}
}

// metricsConfig is the resolved metrics setting.
type metricsConfig struct {
	source       metrics.Source
	kind         string
	nearFraction float64
}

// resolveMetrics merges the metrics attribute with KAFKATENANT_METRICS_*
// variables and builds the source; a nil source means none is configured.
func resolveMetrics(m *metricsModel, getenv func(string) string) (metricsConfig, diag.Diagnostics) {
	var diags diag.Diagnostics
	if m == nil {
		m = &metricsModel{}
	}
	at := func(name string) path.Path { return path.Root("metrics").AtName(name) }
	out := metricsConfig{kind: "none", nearFraction: tenancy.DefaultNearFraction}

	url := stringOr(m.PrometheusURL, getenv(envMetrics("prometheus_url")))
	var endpoints []string
	if !m.Endpoints.IsNull() {
		for _, e := range m.Endpoints.Elements() {
			if s, ok := e.(types.String); ok {
				endpoints = append(endpoints, s.ValueString())
			}
		}
	} else if v := getenv(envMetrics("endpoints")); v != "" {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				endpoints = append(endpoints, s)
			}
		}
	}
	if url == "" && len(endpoints) == 0 {
		return out, diags
	}
	if url != "" && len(endpoints) > 0 {
		diags.AddAttributeError(at("endpoints"), "Conflicting Metrics Sources",
			"Both a Prometheus URL and broker endpoints are set (in the provider block or the KAFKATENANT_METRICS_* variables). Choose one.")
		return out, diags
	}
	if v := m.NearLimitFraction; !v.IsNull() && !v.IsUnknown() {
		out.nearFraction = v.ValueFloat64()
	} else if env := getenv(envMetrics("near_limit_fraction")); env != "" {
		f, err := strconv.ParseFloat(env, 64)
		if err != nil || f <= 0 || f > 1 {
			diags.AddAttributeError(at("near_limit_fraction"), "Invalid Near-Limit Fraction",
				fmt.Sprintf("%s=%q is not a number above 0 and at most 1.", envMetrics("near_limit_fraction"), env))
			return out, diags
		}
		out.nearFraction = f
	}

	names := metrics.DefaultNames()
	if preset := stringOr(m.Preset, getenv(envMetrics("preset"))); preset == presetExample {
		names = metrics.JMXExporterExampleNames()
	} else if preset != "" && preset != presetConfluent {
		diags.AddAttributeError(at("preset"), "Invalid Metrics Preset", fmt.Sprintf("%q is not one of %s.", preset, strings.Join(metricsPresets, ", ")))
		return out, diags
	}
	overrideNames(&names, m.Names, getenv)
	if err := names.Validate(); err != nil {
		diags.AddAttributeError(at("names"), "Invalid Metric Names", err.Error())
		return out, diags
	}

	var opts []metrics.Option
	if user := stringOr(m.Username, getenv(envMetrics("username"))); user != "" {
		opts = append(opts, metrics.WithBasicAuth(user, stringOr(m.Password, getenv(envMetrics("password")))))
	}
	if token := stringOr(m.BearerToken, getenv(envMetrics("bearer_token"))); token != "" {
		opts = append(opts, metrics.WithBearerToken(token))
	}
	if t := stringOr(m.Timeout, getenv(envMetrics("timeout"))); t != "" {
		d, err := time.ParseDuration(t)
		if err != nil || d <= 0 {
			diags.AddAttributeError(at("timeout"), "Invalid Timeout", fmt.Sprintf("The metrics timeout %q is not a positive Go duration such as \"10s\".", t))
			return out, diags
		}
		opts = append(opts, metrics.WithTimeout(d))
	}
	var err error
	if url != "" {
		out.source, err = metrics.NewPrometheusAPI(url, names, opts...)
		out.kind = "prometheus"
	} else {
		out.source, err = metrics.NewTextEndpoints(endpoints, names, opts...)
		out.kind = "endpoints"
	}
	if err != nil {
		diags.AddAttributeError(at("prometheus_url"), "Invalid Metrics Source", err.Error())
		out.source, out.kind = nil, "none"
	}
	return out, diags
}

// overrideNames applies names set in the attribute or in
// KAFKATENANT_METRICS_NAME_* variables.
func overrideNames(names *metrics.Names, m *namesModel, getenv func(string) string) {
	if m == nil {
		m = &namesModel{}
	}
	for _, f := range []struct {
		attribute string
		value     types.String
		dst       *string
	}{
		{"broker_label", m.BrokerLabel, &names.BrokerLabel},
		{"client_id_label", m.ClientIDLabel, &names.ClientIDLabel},
		{"fetch_byte_rate", m.FetchByteRate, &names.FetchByteRate},
		{"fetch_throttle_time", m.FetchThrottleTime, &names.FetchThrottleTime},
		{"produce_byte_rate", m.ProduceByteRate, &names.ProduceByteRate},
		{"produce_throttle_time", m.ProduceThrottleTime, &names.ProduceThrottleTime},
		{"request_throttle_time", m.RequestThrottleTime, &names.RequestThrottleTime},
		{"request_time", m.RequestTime, &names.RequestTime},
		{"request_type_label", m.RequestTypeLabel, &names.RequestTypeLabel},
		{"user_label", m.UserLabel, &names.UserLabel},
	} {
		if v := stringOr(f.value, getenv(envMetrics("name_"+f.attribute))); v != "" {
			*f.dst = v
		}
	}
}

// hasUnknown reports whether any metrics setting is not yet known.
func (m *metricsModel) hasUnknown() bool {
	if m == nil {
		return false
	}
	for _, v := range []attr.Value{m.BearerToken, m.Endpoints, m.NearLimitFraction, m.Password, m.Preset, m.PrometheusURL, m.Timeout, m.Username} {
		if v.IsUnknown() {
			return true
		}
	}
	return false
}
