package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// Environment variables of the OAUTHBEARER and AWS_MSK_IAM settings.
const (
	envOAuthToken        = "KAFKATENANT_SASL_OAUTHBEARER_TOKEN"     //nolint:gosec // the variable's name, not a credential
	envOAuthTokenURL     = "KAFKATENANT_SASL_OAUTHBEARER_TOKEN_URL" //nolint:gosec // the variable's name, not a credential
	envOAuthClientID     = "KAFKATENANT_SASL_OAUTHBEARER_CLIENT_ID"
	envOAuthClientSecret = "KAFKATENANT_SASL_OAUTHBEARER_CLIENT_SECRET" //nolint:gosec // the variable's name, not a credential
	envOAuthScopes       = "KAFKATENANT_SASL_OAUTHBEARER_SCOPES"
	envOAuthExtensions   = "KAFKATENANT_SASL_OAUTHBEARER_EXTENSIONS"
	envAWSRegion         = "KAFKATENANT_SASL_AWS_REGION"
	envAWSProfile        = "KAFKATENANT_SASL_AWS_PROFILE"
	envAWSRoleARN        = "KAFKATENANT_SASL_AWS_ROLE_ARN"
)

type oauthBearerModel struct {
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
	Extensions   types.Map    `tfsdk:"extensions"`
	Scopes       types.List   `tfsdk:"scopes"`
	Token        types.String `tfsdk:"token"`
	TokenURL     types.String `tfsdk:"token_url"`
}

type awsModel struct {
	Profile types.String `tfsdk:"profile"`
	Region  types.String `tfsdk:"region"`
	RoleARN types.String `tfsdk:"role_arn"`
}

func oauthBearerSchema() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		MarkdownDescription: "The token of `OAUTHBEARER`: either a static `token`, or the OAuth 2.0 client-credentials flow (`token_url`, `client_id`, `client_secret`, " +
			"optional `scopes`). Tokens from the flow are fetched at the first login and again once 80% of their lifetime has passed, so every login, " +
			"including the re-authentications brokers ask for, presents a live token.",
		Optional: true,
		Attributes: map[string]schema.Attribute{
			"client_id": schema.StringAttribute{
				MarkdownDescription: "The client id the provider presents to the token endpoint. Environment: `" + envOAuthClientID + "`.",
				Optional:            true,
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "The client secret. Sensitive: it never appears in plans, state or logs. Prefer `" + envOAuthClientSecret + "`.",
				Optional:            true,
				Sensitive:           true,
			},
			"extensions": schema.MapAttribute{
				MarkdownDescription: "SASL extensions (KIP-342) sent with every token, such as `logicalCluster` and `identityPoolId` for Confluent Cloud. " +
					"Environment: `" + envOAuthExtensions + "`, as comma-separated `key=value` pairs.",
				ElementType: types.StringType,
				Optional:    true,
			},
			"scopes": schema.ListAttribute{
				MarkdownDescription: "Scopes to request with every token. Defaults to none. Environment: `" + envOAuthScopes + "`, comma- or space-separated.",
				ElementType:         types.StringType,
				Optional:            true,
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "A static bearer token, used for every login; it is not refreshed. Sensitive. Prefer `" + envOAuthToken + "`. " +
					"Conflicts with the client-credentials settings.",
				Optional:  true,
				Sensitive: true,
			},
			"token_url": schema.StringAttribute{
				MarkdownDescription: "The token endpoint of the client-credentials flow, an `http` or `https` URL. Environment: `" + envOAuthTokenURL + "`.",
				Optional:            true,
			},
		},
	}
}

func awsSchema() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		MarkdownDescription: "Settings of `AWS_MSK_IAM`. Credentials come from the AWS SDK's default chain: `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` " +
			"(with `AWS_SESSION_TOKEN`), the shared config and credentials files, web identity (`AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_ARN`, as on EKS " +
			"and in CI), and the ECS task or EC2 instance role. Each login is signed with SigV4 for `kafka-cluster:Connect`; the signature's region is " +
			"the one in the broker's host name (MSK's broker names carry it), else `AWS_REGION`.",
		Optional: true,
		Attributes: map[string]schema.Attribute{
			"profile": schema.StringAttribute{
				MarkdownDescription: "The shared-config profile to take credentials from. Defaults to `AWS_PROFILE`, else `default`. Environment: `" + envAWSProfile + "`.",
				Optional:            true,
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "The AWS region of the SDK, used by STS when assuming `role_arn` and by profiles. Defaults to `AWS_REGION`. Environment: `" + envAWSRegion + "`.",
				Optional:            true,
			},
			"role_arn": schema.StringAttribute{
				MarkdownDescription: "An IAM role to assume with the chain's credentials (session name `kafkatenant`); its temporary credentials sign the logins " +
					"and are renewed before they expire. Environment: `" + envAWSRoleARN + "`.",
				Optional: true,
			},
		},
	}
}

// saslValues lists the SASL attributes, for the unknown-value check.
func (m *saslModel) values() []attr.Value {
	if m == nil {
		return nil
	}
	values := []attr.Value{m.Mechanism, m.Username, m.Password}
	if o := m.OAuthBearer; o != nil {
		values = append(values, o.ClientID, o.ClientSecret, o.Extensions, o.Scopes, o.Token, o.TokenURL)
	}
	if a := m.AWS; a != nil {
		values = append(values, a.Profile, a.Region, a.RoleARN)
	}
	return values
}

// resolveOAuth merges the oauthbearer block with its environment variables.
func resolveOAuth(m *oauthBearerModel, getenv func(string) string, diags *diag.Diagnostics) *kafka.OAuthConfig {
	var o oauthBearerModel
	if m != nil {
		o = *m
	}
	cfg := &kafka.OAuthConfig{
		Token:        stringOr(o.Token, getenv(envOAuthToken)),
		TokenURL:     stringOr(o.TokenURL, getenv(envOAuthTokenURL)),
		ClientID:     stringOr(o.ClientID, getenv(envOAuthClientID)),
		ClientSecret: stringOr(o.ClientSecret, getenv(envOAuthClientSecret)),
	}
	ctx := context.Background()
	if !o.Scopes.IsNull() {
		diags.Append(o.Scopes.ElementsAs(ctx, &cfg.Scopes, false)...)
	} else {
		cfg.Scopes = strings.FieldsFunc(getenv(envOAuthScopes), func(r rune) bool { return r == ',' || r == ' ' })
	}
	if !o.Extensions.IsNull() {
		diags.Append(o.Extensions.ElementsAs(ctx, &cfg.Extensions, false)...)
	} else if v := getenv(envOAuthExtensions); v != "" {
		cfg.Extensions = map[string]string{}
		for _, pair := range strings.Split(v, ",") {
			k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
			if !ok || k == "" {
				oauthExtensionsEnvError(diags, pair)
				continue
			}
			cfg.Extensions[k] = val
		}
	}
	if err := cfg.Validate(); err != nil {
		oauthSettingsError(diags, path.Root("sasl").AtName("oauthbearer"), err)
	}
	return cfg
}

// resolveAWS merges the aws block with its environment variables.
func resolveAWS(m *awsModel, getenv func(string) string) *kafka.AWSConfig {
	var a awsModel
	if m != nil {
		a = *m
	}
	return &kafka.AWSConfig{
		Region:  stringOr(a.Region, getenv(envAWSRegion)),
		Profile: stringOr(a.Profile, getenv(envAWSProfile)),
		RoleARN: stringOr(a.RoleARN, getenv(envAWSRoleARN)),
	}
}
