package provider

import (
	"context"
	"fmt"
	"math"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/validators"
)

var (
	_ resource.Resource                     = (*quotaResource)(nil)
	_ resource.ResourceWithConfigure        = (*quotaResource)(nil)
	_ resource.ResourceWithConfigValidators = (*quotaResource)(nil)
	_ resource.ResourceWithImportState      = (*quotaResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*quotaResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*quotaResource)(nil)
	_ resource.ResourceWithIdentity         = (*quotaResource)(nil)
)

// NewQuotaResource returns the kafkatenant_quota resource.
func NewQuotaResource() resource.Resource { return &quotaResource{} }

// quotaResource manages the client quota of one entity.
type quotaResource struct {
	quotaIdentity
	data *providerData
}

// quotaModel maps kafkatenant_quota.
type quotaModel struct {
	ClientID               types.String  `tfsdk:"client_id"`
	ConnectionCreationRate wholeNumber   `tfsdk:"connection_creation_rate"`
	ConsumerByteRate       wholeNumber   `tfsdk:"consumer_byte_rate"`
	ControllerMutationRate types.Float64 `tfsdk:"controller_mutation_rate"`
	Entity                 types.String  `tfsdk:"entity"`
	ID                     types.String  `tfsdk:"id"`
	IP                     types.String  `tfsdk:"ip"`
	PerBroker              types.Map     `tfsdk:"per_broker"`
	ProducerByteRate       wholeNumber   `tfsdk:"producer_byte_rate"`
	RequestPercentage      types.Float64 `tfsdk:"request_percentage"`
	Scope                  types.String  `tfsdk:"scope"`
	Tenant                 types.String  `tfsdk:"tenant"`
	User                   types.String  `tfsdk:"user"`
}

// Quota scopes.
const (
	scopeBroker  = "broker"
	scopeCluster = "cluster"
)

var quotaScopes = []string{scopeBroker, scopeCluster}

// connectionRateRange is Kafka's own: it stores connection_creation_rate as
// a 32-bit integer.
var connectionRateRange = wholeRange{1, math.MaxInt32}

func (r *quotaResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_quota"
}

func (r *quotaResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	entityPart := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: desc + " `<default>` is Kafka's default entity. Changing it replaces the quota.",
			Optional:            true,
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		}
	}
	user := entityPart("The user the quota applies to, as a quota entity names it (without `User:`). Use `tenant` instead for a tenant: " +
		"with `tenant`, `user` is computed from the tenant's principal, and may also be given (as `terraform plan -generate-config-out` writes it) " +
		"only as that same user.")
	user.Computed = true
	user.PlanModifiers = []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The client quota of one entity: a tenant, a tenant's client-id carve-out, or any Kafka quota entity (user, client-id, " +
			"user+client-id, their `<default>` forms, ip). This is the only resource that writes client quotas. Values are per broker, as Kafka enforces them, " +
			"unless `scope = \"cluster\"`. At plan time the quota is checked against the provider's declared capacity and its virtual cluster's envelope, " +
			"counting every quota on the cluster and every quota planned with it, and applies re-check so that two quotas that fit alone but not together are never both written.",
		Attributes: map[string]schema.Attribute{
			"client_id":                entityPart("The client id the quota applies to; with `tenant` or `user`, a carve-out for that client."),
			"connection_creation_rate": connectionRateRange.attribute("Connections per second an `ip` entity may open on each broker. Only for `ip`; Kafka stores it as a 32-bit integer."),
			"consumer_byte_rate":       byteRateRange.attribute("Bytes per second the entity may fetch from each broker (or, with `scope = \"cluster\"`, from the whole cluster)."),
			"controller_mutation_rate": mutationRateRange.attribute("Partition mutations (creations, deletions, additions) per second the entity may ask " +
				"of the active controller; cluster-wide by nature."),
			"entity": schema.StringAttribute{
				MarkdownDescription: "The quota entity in Kafka's notation, such as `user=london.payments,client-id=batch`; also the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "Same as `entity`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"ip": entityPart("The client IP address the quota applies to; never combined with user, tenant or client_id."),
			"per_broker": schema.MapAttribute{
				MarkdownDescription: "The values written to the cluster, per broker: the configured values, or with `scope = \"cluster\"` the cluster-wide rates " +
					"divided by the number of brokers that lead the tenant's partitions (all brokers while it has none), recomputed when that set changes. " +
					"A new cluster-scope quota is divided when it is written, and again by each topic of its tenant that the same apply creates after it, " +
					"so one apply converges; its plan checks capacity divided over the fewest brokers that may lead the tenant's partitions then " +
					"(those leading them now, or one while there are none).",
				ElementType: types.Float64Type,
				Computed:    true,
			},
			"producer_byte_rate": byteRateRange.attribute("Bytes per second the entity may produce to each broker (or, with `scope = \"cluster\"`, to the whole cluster)."),
			"request_percentage": requestPercentageRange.attribute("Percentage of one request-handler or network thread the entity may use on each broker; " +
				"a broker has (io threads + network threads) × 100, and when the provider's `capacity` declares the threads, one quota may not exceed that, " +
				"whatever the oversubscription."),
			"scope": schema.StringAttribute{
				MarkdownDescription: "How the byte rates and request percentage are given: " + markdownList(quotaScopes) + ". `broker` (the default) is Kafka's own " +
					"per-broker meaning. `cluster` takes cluster-wide rates, the way managed Kafka services present them, and writes each broker its share.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(scopeBroker),
				Validators: []validator.String{stringvalidator.OneOf(quotaScopes...)},
			},
			"tenant": schema.StringAttribute{
				MarkdownDescription: "The tenant whose principal the quota applies to. Reference the tenant resource's `name`. Changing it replaces the quota.",
				Optional:            true,
				Validators:          []validator.String{validators.ObjectName()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"user": user,
		},
	}
}

func (r *quotaResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *quotaResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.AtLeastOneOf(path.MatchRoot("tenant"), path.MatchRoot("user"), path.MatchRoot("client_id"), path.MatchRoot("ip")),
		resourcevalidator.Conflicting(path.MatchRoot("ip"), path.MatchRoot("tenant")),
		resourcevalidator.Conflicting(path.MatchRoot("ip"), path.MatchRoot("user")),
		resourcevalidator.Conflicting(path.MatchRoot("ip"), path.MatchRoot("client_id")),
		resourcevalidator.AtLeastOneOf(path.MatchRoot("producer_byte_rate"), path.MatchRoot("consumer_byte_rate"), path.MatchRoot("request_percentage"),
			path.MatchRoot("controller_mutation_rate"), path.MatchRoot("connection_creation_rate")),
	}
}

// ValidateConfig applies Kafka's own rules, which some clusters (kfake
// among them) do not: which keys an entity type takes, and the values'
// ranges.
func (r *quotaResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m quotaModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !m.IP.IsNull() && !m.IP.IsUnknown() {
		for attr, v := range map[string]bool{"producer_byte_rate": !m.ProducerByteRate.IsNull(), "consumer_byte_rate": !m.ConsumerByteRate.IsNull(),
			"request_percentage": !m.RequestPercentage.IsNull(), "controller_mutation_rate": !m.ControllerMutationRate.IsNull()} {
			if v {
				quotaKeyNotForEntity(&resp.Diagnostics, attr, "ip")
			}
		}
	} else if !m.ConnectionCreationRate.IsNull() {
		quotaKeyNotForEntity(&resp.Diagnostics, "connection_creation_rate", "user or client-id")
	}
	if m.Scope.ValueString() == scopeCluster {
		if m.Tenant.IsNull() && (m.User.IsNull() || m.User.ValueString() == tenancy.DefaultName) {
			resp.Diagnostics.AddAttributeError(path.Root("scope"), "Cluster Scope Needs a Principal",
				`scope = "cluster" divides rates by the brokers that lead one principal's partitions, so it needs tenant, or user naming one user (not <default>). `+
					`Remove scope or set tenant.`)
		}
	}
	entity, ok := m.configEntity()
	if !ok || len(m.values()) == 0 {
		// No values is reported by the AtLeastOneOf validator.
		return
	}
	if err := tenancy.ValidateQuota(entity, m.values()); err != nil {
		resp.Diagnostics.AddError("Invalid Quota", fmt.Sprintf("The quota on %s breaks Kafka's rules: %s", entity, err))
	}
}
