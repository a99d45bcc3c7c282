package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// On a connection without passwords (AWS_MSK_IAM, OAUTHBEARER), a tenant
// without its own credential gets the connection's mechanism and no user
// name: its applications authenticate as an IAM role or OAuth client.
func TestTenantClientProperties_byMechanism(t *testing.T) {
	vc := tenancy.VirtualCluster{Name: "vc", Prefix: "vc."}
	tenant := tenantModel{Principal: types.StringValue("User:vc.payments")}
	for _, tc := range []struct {
		sasl     *kafka.SASLConfig
		tls      bool
		protocol string
		username string
	}{
		{&kafka.SASLConfig{Mechanism: kafka.MechanismAWSMSKIAM, AWS: &kafka.AWSConfig{}}, true, "SASL_SSL", ""},
		{&kafka.SASLConfig{Mechanism: kafka.MechanismOAuthBearer, OAuth: &kafka.OAuthConfig{Token: "t"}}, true, "SASL_SSL", ""},
		{&kafka.SASLConfig{Mechanism: kafka.MechanismScramSHA512, Username: "admin"}, false, "SASL_PLAINTEXT", "vc.payments"},
	} {
		cfg := kafka.Config{BootstrapServers: []string{"b:9098"}, SASL: tc.sasl}
		if tc.tls {
			cfg.TLS = &kafka.TLSConfig{Enabled: true}
		}
		r := &tenantResource{data: &providerData{connection: cfg}}
		props := r.clientProperties(tenant, vc).Elements()
		if got := props["sasl.mechanism"]; got != types.StringValue(tc.sasl.Mechanism) {
			t.Errorf("%s: sasl.mechanism = %v", tc.sasl.Mechanism, got)
		}
		if got := props["security.protocol"]; got != types.StringValue(tc.protocol) {
			t.Errorf("%s: security.protocol = %v, want %s", tc.sasl.Mechanism, got, tc.protocol)
		}
		got, has := props["sasl.username"]
		if (tc.username == "") == has || (has && got != types.StringValue(tc.username)) {
			t.Errorf("%s: sasl.username = %v (present %t), want %q", tc.sasl.Mechanism, got, has, tc.username)
		}
	}
}
