// Package provider is the Terraform glue of kafkatenant: schemas, CRUD,
// plan-time checks and import. Kafka access lives in internal/kafka and the
// tenancy rules in internal/tenancy; this package connects them to the
// plugin framework.
package provider

import (
	"context"
	"os"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/validators"
)

var (
	_ provider.Provider                  = (*kafkatenantProvider)(nil)
	_ provider.ProviderWithFunctions     = (*kafkatenantProvider)(nil)
	_ provider.ProviderWithListResources = (*kafkatenantProvider)(nil)
)

// New returns a constructor for the provider at the given version, as
// providerserver.Serve and the acceptance tests expect.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &kafkatenantProvider{version: version, getenv: os.Getenv}
	}
}

// kafkatenantProvider is the provider implementation.
type kafkatenantProvider struct {
	version string
	// getenv reads KAFKATENANT_* fallbacks; tests replace it.
	getenv func(string) string
}

// providerModel maps the provider block.
type providerModel struct {
	BootstrapServers types.List     `tfsdk:"bootstrap_servers"`
	Capacity         *capacityModel `tfsdk:"capacity"`
	ClientID         types.String   `tfsdk:"client_id"`
	Metrics          *metricsModel  `tfsdk:"metrics"`
	RegistryTopic    types.String   `tfsdk:"registry_topic"`
	SASL             *saslModel     `tfsdk:"sasl"`
	Timeout          types.String   `tfsdk:"timeout"`
	TLS              *tlsModel      `tfsdk:"tls"`
}

type saslModel struct {
	AWS         *awsModel         `tfsdk:"aws"`
	Mechanism   types.String      `tfsdk:"mechanism"`
	OAuthBearer *oauthBearerModel `tfsdk:"oauthbearer"`
	Password    types.String      `tfsdk:"password"`
	Username    types.String      `tfsdk:"username"`
}

type tlsModel struct {
	CAPEM              types.String `tfsdk:"ca_pem"`
	CertPEM            types.String `tfsdk:"cert_pem"`
	Enabled            types.Bool   `tfsdk:"enabled"`
	InsecureSkipVerify types.Bool   `tfsdk:"insecure_skip_verify"`
	KeyPEM             types.String `tfsdk:"key_pem"`
	ServerName         types.String `tfsdk:"server_name"`
}

func (p *kafkatenantProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "kafkatenant"
	resp.Version = p.version
}

func (p *kafkatenantProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Turns a shared Apache Kafka cluster into self-service tenant infrastructure. " +
			"Every setting can also come from a `KAFKATENANT_*` environment variable, named after the attribute " +
			"(for example `KAFKATENANT_BOOTSTRAP_SERVERS`, `KAFKATENANT_SASL_PASSWORD`), so Terraform Cloud workspaces need no files. " +
			"A value in the configuration wins over the environment. The provider connects on first use, so `terraform validate` " +
			"and plans whose connection settings are not yet known do not need a reachable cluster.",
		Attributes: map[string]schema.Attribute{
			"bootstrap_servers": schema.ListAttribute{
				MarkdownDescription: "Brokers to bootstrap from, as `host:port`. Environment: `KAFKATENANT_BOOTSTRAP_SERVERS`, comma-separated. Required from one source or the other.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          []validator.List{validators.HostPorts()},
			},
			"capacity": capacitySchema(),
			"client_id": schema.StringAttribute{
				MarkdownDescription: "The `client.id` the provider announces to the brokers. Defaults to `" + kafka.DefaultClientID + "`. Environment: `KAFKATENANT_CLIENT_ID`.",
				Optional:            true,
			},
			"metrics": metricsSchema(),
			"registry_topic": schema.StringAttribute{
				MarkdownDescription: "The compacted topic where kafkatenant keeps virtual-cluster and tenant records, shared by every workspace that manages the cluster. " +
					"Created on first use. Defaults to `" + kafka.DefaultRegistryTopic + "`. Environment: `KAFKATENANT_REGISTRY_TOPIC`. " +
					"Every workspace managing one cluster must use the same value.",
				Optional:   true,
				Validators: []validator.String{validators.TopicName()},
			},
			"sasl": schema.SingleNestedAttribute{
				MarkdownDescription: "SASL authentication. Omit for a listener without SASL. Environment: `KAFKATENANT_SASL_MECHANISM`, `KAFKATENANT_SASL_USERNAME`, `KAFKATENANT_SASL_PASSWORD`, " +
					"and the `KAFKATENANT_SASL_OAUTHBEARER_*` and `KAFKATENANT_SASL_AWS_*` variables named below; each fills the attribute left unset here.",
				Optional: true,
				Attributes: map[string]schema.Attribute{
					"aws": awsSchema(),
					"mechanism": schema.StringAttribute{
						MarkdownDescription: "The SASL mechanism: " + markdownList(kafka.Mechanisms) + ". `PLAIN` and the SCRAM mechanisms need `username` and `password`; " +
							"`OAUTHBEARER` needs `oauthbearer`; `AWS_MSK_IAM` takes AWS credentials from the SDK's default chain, with the optional `aws` settings.",
						Optional:   true,
						Validators: []validator.String{stringvalidator.OneOf(kafka.Mechanisms...)},
					},
					"oauthbearer": oauthBearerSchema(),
					"password": schema.StringAttribute{
						MarkdownDescription: "The SASL password of `PLAIN` and SCRAM. Sensitive: it never appears in plans, state or logs. Prefer `KAFKATENANT_SASL_PASSWORD`.",
						Optional:            true,
						Sensitive:           true,
					},
					"username": schema.StringAttribute{
						MarkdownDescription: "The SASL user name of `PLAIN` and SCRAM.",
						Optional:            true,
					},
				},
			},
			"timeout": schema.StringAttribute{
				MarkdownDescription: "How long one request to the cluster, and the first connection, may take, as a Go duration such as `30s` or `2m`, from `" +
					validators.ShortDuration(kafka.MinTimeout) + "` to `" + validators.ShortDuration(kafka.MaxTimeout) + "` (the range the Kafka client accepts). " +
					"Defaults to `30s`. Environment: `KAFKATENANT_TIMEOUT`.",
				Optional:   true,
				Validators: []validator.String{validators.DurationBetween(kafka.MinTimeout, kafka.MaxTimeout)},
			},
			"tls": schema.SingleNestedAttribute{
				MarkdownDescription: "TLS for every broker connection, with PEM text rather than file names so that settings travel through environment variables (`KAFKATENANT_TLS_ENABLED`, `KAFKATENANT_TLS_CA_PEM`, `KAFKATENANT_TLS_CERT_PEM`, `KAFKATENANT_TLS_KEY_PEM`, `KAFKATENANT_TLS_SERVER_NAME`, `KAFKATENANT_TLS_INSECURE_SKIP_VERIFY`).",
				Optional:            true,
				Attributes: map[string]schema.Attribute{
					"ca_pem": schema.StringAttribute{
						MarkdownDescription: "PEM certificates of the authorities that sign the brokers' certificates. Defaults to the system pool.",
						Optional:            true,
					},
					"cert_pem": schema.StringAttribute{
						MarkdownDescription: "PEM client certificate for mutual TLS; needs `key_pem`.",
						Optional:            true,
					},
					"enabled": schema.BoolAttribute{
						MarkdownDescription: "Whether to use TLS. Defaults to `true` when the `tls` attribute is set, `false` otherwise.",
						Optional:            true,
					},
					"insecure_skip_verify": schema.BoolAttribute{
						MarkdownDescription: "Skip verification of the brokers' certificates. Defaults to `false`. Only for test clusters.",
						Optional:            true,
					},
					"key_pem": schema.StringAttribute{
						MarkdownDescription: "PEM private key of the client certificate. Sensitive.",
						Optional:            true,
						Sensitive:           true,
					},
					"server_name": schema.StringAttribute{
						MarkdownDescription: "The name to verify in the brokers' certificates, when it differs from the host in `bootstrap_servers`.",
						Optional:            true,
					},
				},
			},
		},
	}
}

func (p *kafkatenantProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var model providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := &providerData{ledger: tenancy.NewLedger(), destroying: cliDestroying()}
	resp.DataSourceData, resp.ResourceData, resp.ListResourceData = data, data, data

	if model.hasUnknown() || model.Capacity.hasUnknown() || model.Metrics.hasUnknown() {
		// Connection settings that come from other resources are known
		// only at apply; cluster checks wait until then.
		tflog.Info(ctx, "provider connection settings are not yet known; cluster checks are deferred to apply")
		data.unknown = true
		return
	}
	cfg, diags := resolveConnection(model, p.getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	capacity, declared, diags := resolveCapacity(model.Capacity, p.getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	data.capacity, data.capacityDeclared = capacity, declared
	data.metrics, diags = resolveMetrics(model.Metrics, p.getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Debug(ctx, "configured Kafka connection", map[string]any{"connection": cfg.String()})
	data.client = kafka.NewClient(cfg)
	data.connection = cfg
}

func (p *kafkatenantProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewACLResource,
		NewQuotaResource,
		NewTenantResource,
		NewTopicResource,
		NewVirtualClusterResource,
	}
}

func (p *kafkatenantProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewCapacityDataSource,
		NewFairShareDataSource,
		NewTenantDataSource,
		NewThrottleStatusDataSource,
		NewTopicDataSource,
		NewTopicsDataSource,
		NewVirtualClusterDataSource,
	}
}

func (p *kafkatenantProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewACLList,
		NewQuotaList,
		NewTenantList,
		NewTopicList,
		NewVirtualClusterList,
	}
}

func (p *kafkatenantProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{
		NewTopicNameFunction,
	}
}
