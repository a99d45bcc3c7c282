package provider

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// The password values below are distinctive so that any diagnostic that
// quotes one is caught.
const (
	blockPassword = "block-pw-5e1d"
	envPassword   = "env-pw-77ab"
)

// fakeEnv returns a getenv over vars.
func fakeEnv(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func servers(addrs ...string) types.List {
	elems := make([]attr.Value, len(addrs))
	for i, a := range addrs {
		elems[i] = types.StringValue(a)
	}
	return types.ListValueMust(types.StringType, elems)
}

// fullEnv sets every connection variable to a value distinct from those
// the tests put in provider blocks.
var fullEnv = map[string]string{
	envBootstrapServers: "env1:9092,env2:9092",
	envClientID:         "env-client",
	envTimeout:          "45s",
	envSASLMechanism:    kafka.MechanismScramSHA256,
	envSASLUsername:     "env-user",
	envSASLPassword:     envPassword,
	envTLSEnabled:       "true",
	envTLSServerName:    "env.example.com",
}

func TestResolveConnection(t *testing.T) {
	cases := []struct {
		name  string
		model providerModel
		env   map[string]string
		want  kafka.Config
	}{
		{
			name: "block wins over env",
			model: providerModel{
				BootstrapServers: servers("block:9092"),
				ClientID:         types.StringValue("block-client"),
				Timeout:          types.StringValue("5s"),
				SASL: &saslModel{
					Mechanism: types.StringValue(kafka.MechanismPlain),
					Username:  types.StringValue("block-user"),
					Password:  types.StringValue(blockPassword),
				},
				TLS: &tlsModel{Enabled: types.BoolValue(false)},
			},
			env: fullEnv,
			want: kafka.Config{
				BootstrapServers: []string{"block:9092"},
				ClientID:         "block-client",
				Timeout:          5 * time.Second,
				SASL:             &kafka.SASLConfig{Mechanism: kafka.MechanismPlain, Username: "block-user", Password: blockPassword},
			},
		},
		{
			name:  "env alone",
			model: providerModel{},
			env:   fullEnv,
			want: kafka.Config{
				BootstrapServers: []string{"env1:9092", "env2:9092"},
				ClientID:         "env-client",
				Timeout:          45 * time.Second,
				SASL:             &kafka.SASLConfig{Mechanism: kafka.MechanismScramSHA256, Username: "env-user", Password: envPassword},
				TLS:              &kafka.TLSConfig{Enabled: true, ServerName: "env.example.com"},
			},
		},
		{
			// The usual Terraform Cloud setup: mechanism and user in the
			// block, the password only in a sensitive workspace variable.
			name: "env fills attributes the block leaves unset",
			model: providerModel{
				BootstrapServers: servers("block:9092"),
				SASL:             &saslModel{Mechanism: types.StringValue(kafka.MechanismScramSHA512), Username: types.StringValue("block-user")},
			},
			env: map[string]string{envSASLPassword: envPassword},
			want: kafka.Config{
				BootstrapServers: []string{"block:9092"},
				SASL:             &kafka.SASLConfig{Mechanism: kafka.MechanismScramSHA512, Username: "block-user", Password: envPassword},
			},
		},
		{
			name:  "env-only SASL",
			model: providerModel{BootstrapServers: servers("block:9092")},
			env: map[string]string{
				envSASLMechanism: kafka.MechanismPlain, envSASLUsername: "env-user", envSASLPassword: envPassword,
			},
			want: kafka.Config{
				BootstrapServers: []string{"block:9092"},
				SASL:             &kafka.SASLConfig{Mechanism: kafka.MechanismPlain, Username: "env-user", Password: envPassword},
			},
		},
		{
			name:  "OAUTHBEARER client credentials from env",
			model: providerModel{BootstrapServers: servers("b:9092")},
			env: map[string]string{
				envSASLMechanism: kafka.MechanismOAuthBearer, envOAuthTokenURL: "https://idp.example.com/token", envOAuthClientID: "kt",
				envOAuthClientSecret: envPassword, envOAuthScopes: "kafka, admin", envOAuthExtensions: "logicalCluster=lkc-1, identityPoolId=pool-2",
			},
			want: kafka.Config{BootstrapServers: []string{"b:9092"}, SASL: &kafka.SASLConfig{Mechanism: kafka.MechanismOAuthBearer, OAuth: &kafka.OAuthConfig{
				TokenURL: "https://idp.example.com/token", ClientID: "kt", ClientSecret: envPassword, Scopes: []string{"kafka", "admin"},
				Extensions: map[string]string{"logicalCluster": "lkc-1", "identityPoolId": "pool-2"},
			}}},
		},
		{
			name: "OAUTHBEARER static token in the block wins over env",
			model: providerModel{BootstrapServers: servers("b:9092"), SASL: &saslModel{
				Mechanism:   types.StringValue(kafka.MechanismOAuthBearer),
				OAuthBearer: &oauthBearerModel{Token: types.StringValue(blockPassword), Scopes: types.ListNull(types.StringType), Extensions: types.MapNull(types.StringType)},
			}},
			env:  map[string]string{envOAuthToken: envPassword},
			want: kafka.Config{BootstrapServers: []string{"b:9092"}, SASL: &kafka.SASLConfig{Mechanism: kafka.MechanismOAuthBearer, OAuth: &kafka.OAuthConfig{Token: blockPassword}}},
		},
		{
			name:  "AWS_MSK_IAM needs no user, settings from env",
			model: providerModel{BootstrapServers: servers("b-1.msk.kafka.eu-west-1.amazonaws.com:9098"), TLS: &tlsModel{}},
			env:   map[string]string{envSASLMechanism: kafka.MechanismAWSMSKIAM, envAWSRegion: "eu-west-1", envAWSRoleARN: "arn:aws:iam::1:role/kafka-admin"},
			want: kafka.Config{
				BootstrapServers: []string{"b-1.msk.kafka.eu-west-1.amazonaws.com:9098"}, TLS: &kafka.TLSConfig{Enabled: true},
				SASL: &kafka.SASLConfig{Mechanism: kafka.MechanismAWSMSKIAM, AWS: &kafka.AWSConfig{Region: "eu-west-1", RoleARN: "arn:aws:iam::1:role/kafka-admin"}},
			},
		},
		{
			name:  "env list is trimmed and empty entries dropped",
			model: providerModel{},
			env:   map[string]string{envBootstrapServers: " a:1 , b:2,, c:3 ,"},
			want:  kafka.Config{BootstrapServers: []string{"a:1", "b:2", "c:3"}},
		},
		{
			name:  "a tls block enables TLS",
			model: providerModel{BootstrapServers: servers("b:9093"), TLS: &tlsModel{ServerName: types.StringValue("kafka.internal")}},
			want:  kafka.Config{BootstrapServers: []string{"b:9093"}, TLS: &kafka.TLSConfig{Enabled: true, ServerName: "kafka.internal"}},
		},
		{
			name:  "an empty tls block enables TLS",
			model: providerModel{BootstrapServers: servers("b:9093"), TLS: &tlsModel{}},
			want:  kafka.Config{BootstrapServers: []string{"b:9093"}, TLS: &kafka.TLSConfig{Enabled: true}},
		},
		{
			name:  "tls block with enabled false wins over env",
			model: providerModel{BootstrapServers: servers("b:9092"), TLS: &tlsModel{Enabled: types.BoolValue(false)}},
			env:   map[string]string{envTLSEnabled: "true"},
			want:  kafka.Config{BootstrapServers: []string{"b:9092"}},
		},
		{
			name:  "no tls block and no env means plaintext",
			model: providerModel{BootstrapServers: servers("b:9092")},
			want:  kafka.Config{BootstrapServers: []string{"b:9092"}},
		},
		{
			name:  "env TLS settings",
			model: providerModel{BootstrapServers: servers("b:9093")},
			env:   map[string]string{envTLSEnabled: "1", envTLSInsecureSkipVer: "TRUE"},
			want:  kafka.Config{BootstrapServers: []string{"b:9093"}, TLS: &kafka.TLSConfig{Enabled: true, InsecureSkipVerify: true}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, diags := resolveConnection(tc.model, fakeEnv(tc.env))
			if diags.HasError() {
				t.Fatalf("resolveConnection: %v", diags)
			}
			if got.String() != tc.want.String() {
				t.Errorf("resolved\n  %s\nwant\n  %s", got, tc.want)
			}
			if (got.SASL == nil) != (tc.want.SASL == nil) || (got.SASL != nil && got.SASL.Password != tc.want.SASL.Password) {
				t.Errorf("resolved a different SASL password or presence than wanted")
			}
		})
	}
}

func TestResolveConnection_errors(t *testing.T) {
	cases := []struct {
		name    string
		model   providerModel
		env     map[string]string
		path    path.Path
		summary string
		detail  string
	}{
		{
			name:    "missing bootstrap servers names the variable",
			model:   providerModel{},
			path:    path.Root("bootstrap_servers"),
			summary: "Missing Bootstrap Servers",
			detail:  envBootstrapServers,
		},
		{
			name:    "env of only commas is missing",
			env:     map[string]string{envBootstrapServers: " , ,"},
			path:    path.Root("bootstrap_servers"),
			summary: "Missing Bootstrap Servers",
			detail:  envBootstrapServers,
		},
		{
			name:    "an empty list in the block does not fall back to env",
			model:   providerModel{BootstrapServers: servers()},
			env:     map[string]string{envBootstrapServers: "env:9092"},
			path:    path.Root("bootstrap_servers"),
			summary: "Missing Bootstrap Servers",
			detail:  "at least one broker address",
		},
		{
			name:    "bad timeout from env",
			model:   providerModel{BootstrapServers: servers("b:1")},
			env:     map[string]string{envTimeout: "soon"},
			path:    path.Root("timeout"),
			summary: "Invalid Timeout",
			detail:  `The timeout "soon" (from the provider block or ` + envTimeout + `)`,
		},
		{
			name:    "zero timeout",
			model:   providerModel{BootstrapServers: servers("b:1"), Timeout: types.StringValue("0s")},
			path:    path.Root("timeout"),
			summary: "Invalid Timeout",
			detail:  "is outside the range the Kafka client accepts: use a duration from 1s to 15m",
		},
		{
			name:    "timeout from env over the client's limit",
			model:   providerModel{BootstrapServers: servers("b:1")},
			env:     map[string]string{envTimeout: "20m"},
			path:    path.Root("timeout"),
			summary: "Invalid Timeout",
			detail:  `The timeout "20m" (from the provider block or ` + envTimeout + `) is outside the range the Kafka client accepts: use a duration from 1s to 15m`,
		},
		{
			name:    "timeout from env under the client's limit",
			model:   providerModel{BootstrapServers: servers("b:1")},
			env:     map[string]string{envTimeout: "50ms"},
			path:    path.Root("timeout"),
			summary: "Invalid Timeout",
			detail:  `"50ms"`,
		},
		{
			name:    "bad TLS enabled from env",
			model:   providerModel{BootstrapServers: servers("b:1")},
			env:     map[string]string{envTLSEnabled: "yes please"},
			path:    path.Root("tls").AtName("enabled"),
			summary: "Invalid TLS Setting",
			detail:  `the environment value "yes please" is not a boolean`,
		},
		{
			name:    "bad insecure_skip_verify from env",
			model:   providerModel{BootstrapServers: servers("b:1")},
			env:     map[string]string{envTLSInsecureSkipVer: "maybe"},
			path:    path.Root("tls").AtName("insecure_skip_verify"),
			summary: "Invalid TLS Setting",
			detail:  `"maybe" is not a boolean`,
		},
		{
			name:    "unknown mechanism from env",
			model:   providerModel{BootstrapServers: servers("b:1")},
			env:     map[string]string{envSASLMechanism: "GSSAPI", envSASLUsername: "u", envSASLPassword: envPassword},
			path:    path.Root("sasl").AtName("mechanism"),
			summary: "Invalid SASL Mechanism",
			detail:  `The SASL mechanism "GSSAPI" (from the provider block or ` + envSASLMechanism + `) is not supported. Use one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER, AWS_MSK_IAM.`,
		},
		{
			name:    "sasl block without a mechanism anywhere",
			model:   providerModel{BootstrapServers: servers("b:1"), SASL: &saslModel{Username: types.StringValue("u"), Password: types.StringValue(blockPassword)}},
			path:    path.Root("sasl").AtName("mechanism"),
			summary: "Invalid SASL Mechanism",
			detail:  `The SASL mechanism ""`,
		},
		{
			name:    "mechanism without a user",
			model:   providerModel{BootstrapServers: servers("b:1"), SASL: &saslModel{Mechanism: types.StringValue(kafka.MechanismPlain), Password: types.StringValue(blockPassword)}},
			path:    path.Root("sasl").AtName("username"),
			summary: "Missing SASL Username",
			detail:  envSASLUsername,
		},
		{
			name: "oauthbearer block with a SCRAM mechanism",
			model: providerModel{BootstrapServers: servers("b:1"), SASL: &saslModel{
				Mechanism: types.StringValue(kafka.MechanismScramSHA512), Username: types.StringValue("u"), Password: types.StringValue(blockPassword),
				OAuthBearer: &oauthBearerModel{Token: types.StringValue("t")},
			}},
			path:    path.Root("sasl").AtName("oauthbearer"),
			summary: "SASL Settings for Another Mechanism",
			detail:  `sasl.oauthbearer is set, but sasl.mechanism is "SCRAM-SHA-512"`,
		},
		{
			name:    "OAUTHBEARER without a token or flow",
			model:   providerModel{BootstrapServers: servers("b:1")},
			env:     map[string]string{envSASLMechanism: kafka.MechanismOAuthBearer, envOAuthClientID: "kt"},
			path:    path.Root("sasl").AtName("oauthbearer"),
			summary: "Invalid OAUTHBEARER Settings",
			detail:  "needs all of sasl.oauthbearer.token_url, client_id and client_secret",
		},
		{
			name:    "malformed extensions from env",
			model:   providerModel{BootstrapServers: servers("b:1")},
			env:     map[string]string{envSASLMechanism: kafka.MechanismOAuthBearer, envOAuthToken: envPassword, envOAuthExtensions: "logicalCluster"},
			path:    path.Root("sasl").AtName("oauthbearer").AtName("extensions"),
			summary: "Invalid OAUTHBEARER Extensions",
			detail:  `holds "logicalCluster", which is not a key=value pair`,
		},
		{
			name:    "CA from env that is not PEM",
			model:   providerModel{BootstrapServers: servers("b:1")},
			env:     map[string]string{envTLSEnabled: "true", envTLSCAPEM: "not a certificate"},
			summary: "Invalid Provider Configuration",
			detail:  "tls.ca_pem holds no PEM certificate",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := resolveConnection(tc.model, fakeEnv(tc.env))
			errs := diags.Errors()
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1: %v", len(errs), diags)
			}
			d := errs[0]
			if d.Summary() != tc.summary || !strings.Contains(d.Detail(), tc.detail) {
				t.Errorf("error = %q: %q\nwant %q containing %q", d.Summary(), d.Detail(), tc.summary, tc.detail)
			}
			wp, hasPath := d.(diag.DiagnosticWithPath)
			wantPath := len(tc.path.Steps()) > 0
			switch {
			case !wantPath && hasPath:
				t.Errorf("error is attached to %s, want no attribute", wp.Path())
			case wantPath && (!hasPath || !wp.Path().Equal(tc.path)):
				t.Errorf("error is not attached to %s: %v", tc.path, d)
			}
			assertNoPasswordIn(t, diags)
		})
	}
}

// TestResolveConnection_reportsEveryProblem checks that independent
// mistakes are reported together, so one plan shows them all.
func TestResolveConnection_reportsEveryProblem(t *testing.T) {
	_, diags := resolveConnection(providerModel{}, fakeEnv(map[string]string{
		envTimeout: "later", envTLSEnabled: "perhaps", envSASLMechanism: "KERBEROS",
	}))
	var got []string
	for _, d := range diags.Errors() {
		got = append(got, d.Summary())
	}
	slices.Sort(got)
	want := []string{"Invalid SASL Mechanism", "Invalid TLS Setting", "Invalid Timeout", "Missing Bootstrap Servers", "Missing SASL Username"}
	if !slices.Equal(got, want) {
		t.Errorf("errors = %v, want %v", got, want)
	}
}

func assertNoPasswordIn(t *testing.T, diags diag.Diagnostics) {
	t.Helper()
	for _, d := range diags {
		for _, pw := range []string{blockPassword, envPassword} {
			if strings.Contains(d.Summary()+d.Detail(), pw) {
				t.Errorf("diagnostic quotes a password: %s: %s", d.Summary(), d.Detail())
			}
		}
	}
}

func TestResolveConnectionCredentialsWithoutMechanism(t *testing.T) {
	env := map[string]string{envBootstrapServers: "b:9092", envSASLUsername: "admin", envSASLPassword: "s3cret-value"}
	_, diags := resolveConnection(providerModel{BootstrapServers: types.ListNull(types.StringType)}, func(k string) string { return env[k] })
	if !diags.HasError() {
		t.Fatal("credentials without a mechanism were accepted; SASL would be silently off")
	}
	d := diags.Errors()[0]
	if d.Summary() != "Missing SASL Mechanism" || !strings.Contains(d.Detail(), envSASLMechanism) || strings.Contains(d.Detail(), "s3cret-value") {
		t.Errorf("diagnostic = %q: %q", d.Summary(), d.Detail())
	}
}
