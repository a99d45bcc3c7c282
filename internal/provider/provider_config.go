package provider

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/validators"
)

// Environment variables that fill provider attributes left unset.
const (
	envBootstrapServers   = "KAFKATENANT_BOOTSTRAP_SERVERS"
	envClientID           = "KAFKATENANT_CLIENT_ID"
	envRegistryTopic      = "KAFKATENANT_REGISTRY_TOPIC"
	envTimeout            = "KAFKATENANT_TIMEOUT"
	envSASLMechanism      = "KAFKATENANT_SASL_MECHANISM"
	envSASLUsername       = "KAFKATENANT_SASL_USERNAME"
	envSASLPassword       = "KAFKATENANT_SASL_PASSWORD" //nolint:gosec // the variable's name, not a credential
	envTLSEnabled         = "KAFKATENANT_TLS_ENABLED"
	envTLSCAPEM           = "KAFKATENANT_TLS_CA_PEM"
	envTLSCertPEM         = "KAFKATENANT_TLS_CERT_PEM"
	envTLSKeyPEM          = "KAFKATENANT_TLS_KEY_PEM"
	envTLSServerName      = "KAFKATENANT_TLS_SERVER_NAME"
	envTLSInsecureSkipVer = "KAFKATENANT_TLS_INSECURE_SKIP_VERIFY"
)

// hasUnknown reports whether any connection setting is unknown, as when it
// is computed from a resource that does not exist yet.
func (m providerModel) hasUnknown() bool {
	values := []attr.Value{m.BootstrapServers, m.ClientID, m.RegistryTopic, m.Timeout}
	values = append(values, m.SASL.values()...)
	if m.TLS != nil {
		values = append(values, m.TLS.Enabled, m.TLS.CAPEM, m.TLS.CertPEM, m.TLS.KeyPEM, m.TLS.ServerName, m.TLS.InsecureSkipVerify)
	}
	for _, v := range values {
		if v.IsUnknown() {
			return true
		}
	}
	if !m.BootstrapServers.IsNull() {
		for _, e := range m.BootstrapServers.Elements() {
			if e.IsUnknown() {
				return true
			}
		}
	}
	return false
}

// resolveConnection merges the provider block with KAFKATENANT_* variables
// (the block wins) into a kafka.Config, reporting each bad value against
// the attribute it belongs to.
func resolveConnection(m providerModel, getenv func(string) string) (kafka.Config, diag.Diagnostics) {
	var (
		diags diag.Diagnostics
		cfg   kafka.Config
	)
	if !m.BootstrapServers.IsNull() {
		for _, e := range m.BootstrapServers.Elements() {
			if s, ok := e.(types.String); ok && !s.IsNull() {
				cfg.BootstrapServers = append(cfg.BootstrapServers, s.ValueString())
			}
		}
	} else if v := getenv(envBootstrapServers); v != "" {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				cfg.BootstrapServers = append(cfg.BootstrapServers, s)
			}
		}
	}
	if len(cfg.BootstrapServers) == 0 {
		diags.AddAttributeError(path.Root("bootstrap_servers"), "Missing Bootstrap Servers",
			"The provider needs at least one broker address. Set bootstrap_servers in the provider block, "+
				"or the "+envBootstrapServers+" environment variable to a comma-separated list such as \"broker1:9092,broker2:9092\".")
	}

	cfg.ClientID = stringOr(m.ClientID, getenv(envClientID))
	cfg.RegistryTopic = stringOr(m.RegistryTopic, getenv(envRegistryTopic))
	if problem := validators.TopicNameProblem(cfg.RegistryTopic); cfg.RegistryTopic != "" && problem != "" {
		diags.AddAttributeError(path.Root("registry_topic"), "Invalid Registry Topic",
			fmt.Sprintf("The registry topic %q (from the provider block or %s) is not a legal topic name: %s.", cfg.RegistryTopic, envRegistryTopic, problem))
	}

	if t := stringOr(m.Timeout, getenv(envTimeout)); t != "" {
		d, problem := validators.ParseDurationBetween(t, kafka.MinTimeout, kafka.MaxTimeout)
		if problem != "" {
			diags.AddAttributeError(path.Root("timeout"), "Invalid Timeout",
				fmt.Sprintf("The timeout %q (from the provider block or %s) %s.", t, envTimeout, problem))
		}
		cfg.Timeout = d
	}

	var sasl saslModel
	if m.SASL != nil {
		sasl = *m.SASL
	}
	mechanism := stringOr(sasl.Mechanism, getenv(envSASLMechanism))
	username := stringOr(sasl.Username, getenv(envSASLUsername))
	password := stringOr(sasl.Password, getenv(envSASLPassword))
	if mechanism == "" && m.SASL == nil && (username != "" || password != "") {
		diags.AddAttributeError(path.Root("sasl").AtName("mechanism"), "Missing SASL Mechanism",
			fmt.Sprintf("A SASL user name or password is set (%s or %s) but no mechanism, so the provider cannot tell how to authenticate. "+
				"Set sasl.mechanism or %s to one of %s.", envSASLUsername, envSASLPassword, envSASLMechanism, strings.Join(kafka.Mechanisms, ", ")))
	}
	if mechanism != "" || m.SASL != nil {
		cfg.SASL = &kafka.SASLConfig{Mechanism: mechanism, Username: username, Password: password}
		if !slices.Contains(kafka.Mechanisms, mechanism) {
			diags.AddAttributeError(path.Root("sasl").AtName("mechanism"), "Invalid SASL Mechanism",
				fmt.Sprintf("The SASL mechanism %q (from the provider block or %s) is not supported. Use one of %s.",
					mechanism, envSASLMechanism, strings.Join(kafka.Mechanisms, ", ")))
		}
		if sasl.OAuthBearer != nil && mechanism != kafka.MechanismOAuthBearer {
			saslBlockMismatch(&diags, "oauthbearer", mechanism, kafka.MechanismOAuthBearer)
		}
		if sasl.AWS != nil && mechanism != kafka.MechanismAWSMSKIAM {
			saslBlockMismatch(&diags, "aws", mechanism, kafka.MechanismAWSMSKIAM)
		}
		switch mechanism {
		case kafka.MechanismOAuthBearer:
			cfg.SASL.OAuth = resolveOAuth(sasl.OAuthBearer, getenv, &diags)
		case kafka.MechanismAWSMSKIAM:
			cfg.SASL.AWS = resolveAWS(sasl.AWS, getenv)
		default:
			if username == "" {
				diags.AddAttributeError(path.Root("sasl").AtName("username"), "Missing SASL Username",
					"SASL is configured but no user name is set. Set sasl.username or "+envSASLUsername+".")
			}
		}
	}

	tlsBlock := m.TLS != nil
	var tlsm tlsModel
	if tlsBlock {
		tlsm = *m.TLS
	}
	enabled, err := boolOr(tlsm.Enabled, getenv(envTLSEnabled), tlsBlock)
	if err != nil {
		diags.AddAttributeError(path.Root("tls").AtName("enabled"), "Invalid TLS Setting", err.Error())
	}
	insecure, err := boolOr(tlsm.InsecureSkipVerify, getenv(envTLSInsecureSkipVer), false)
	if err != nil {
		diags.AddAttributeError(path.Root("tls").AtName("insecure_skip_verify"), "Invalid TLS Setting", err.Error())
	}
	if enabled {
		cfg.TLS = &kafka.TLSConfig{
			Enabled:            true,
			CAPEM:              stringOr(tlsm.CAPEM, getenv(envTLSCAPEM)),
			CertPEM:            stringOr(tlsm.CertPEM, getenv(envTLSCertPEM)),
			KeyPEM:             stringOr(tlsm.KeyPEM, getenv(envTLSKeyPEM)),
			ServerName:         stringOr(tlsm.ServerName, getenv(envTLSServerName)),
			InsecureSkipVerify: insecure,
		}
	}
	if !diags.HasError() {
		if err := cfg.Validate(); err != nil {
			diags.AddError("Invalid Provider Configuration", err.Error())
		}
	}
	return cfg, diags
}

// stringOr returns the attribute's value when set, otherwise fallback.
func stringOr(v types.String, fallback string) string {
	if v.IsNull() || v.IsUnknown() {
		return fallback
	}
	return v.ValueString()
}

// boolOr returns the attribute's value when set, otherwise the environment
// value when set, otherwise def.
func boolOr(v types.Bool, env string, def bool) (bool, error) {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueBool(), nil
	}
	if env == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(env)
	if err != nil {
		return false, fmt.Errorf("the environment value %q is not a boolean: use true or false", env)
	}
	return b, nil
}
