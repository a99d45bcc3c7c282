package kafka

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"
)

const (
	secretPassword = "pa55-DO-NOT-PRINT-41c9"
	// secretKeyPEM stands in for a private key; only its presence in
	// printed output matters to the redaction tests.
	secretKeyPEM = "-----BEGIN PRIVATE KEY-----\nKEY-MATERIAL-DO-NOT-PRINT\n-----END PRIVATE KEY-----\n"
)

func secretConfig() Config {
	return Config{
		BootstrapServers: []string{"b1:9092", "b2:9092"},
		ClientID:         "ops",
		Timeout:          5 * time.Second,
		SASL:             &SASLConfig{Mechanism: MechanismScramSHA512, Username: "admin", Password: secretPassword},
		TLS:              &TLSConfig{Enabled: true, CAPEM: "ca", CertPEM: "cert", KeyPEM: secretKeyPEM, ServerName: "kafka.example.com"},
	}
}

// TestConfig_neverPrintsSecrets formats the configuration and its parts in
// every way fmt offers, on their own, through pointers and nested in other
// values, the way a careless log line might.
func TestConfig_neverPrintsSecrets(t *testing.T) {
	cfg := secretConfig()
	direct := map[string]any{
		"Config":                   cfg,
		"*Config":                  &cfg,
		"SASLConfig":               *cfg.SASL,
		"*SASLConfig":              cfg.SASL,
		"TLSConfig":                *cfg.TLS,
		"*TLSConfig":               cfg.TLS,
		"Config in exported field": struct{ Conn Config }{cfg},
		"Config in a slice":        []Config{cfg},
		"Config in a map":          map[string]Config{"c": cfg},
	}
	for name, v := range direct {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			assertNoSecret(t, fmt.Sprintf(verb, v), verb+" of "+name)
		}
	}
	// fmt cannot call String on a value reached through an unexported
	// field; the SASL and TLS settings stay safe there only because they
	// sit behind pointers, which %v prints as addresses. (A verb that does
	// not suit a struct, such as %s, makes fmt expand those pointers, so
	// such containers must not be printed with %s.)
	nested := map[string]any{
		"Config in unexported field": struct{ conn Config }{cfg},
		"Client":                     NewClient(cfg),
	}
	for name, v := range nested {
		for _, verb := range []string{"%v", "%+v", "%#v"} {
			assertNoSecret(t, fmt.Sprintf(verb, v), verb+" of "+name)
		}
	}
}

// TestConfig_neverMarshalsSecrets covers structured logging: hclog, under
// tflog, JSON-encodes field values.
func TestConfig_neverMarshalsSecrets(t *testing.T) {
	cfg := secretConfig()
	for name, v := range map[string]any{
		"Config":       cfg,
		"*Config":      &cfg,
		"*SASLConfig":  cfg.SASL,
		"*TLSConfig":   cfg.TLS,
		"log fields":   map[string]any{"connection": cfg},
		"nested field": struct{ Conn *Config }{&cfg},
	} {
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("json.Marshal(%s): %v", name, err)
		}
		assertNoSecret(t, string(out), "JSON of "+name)
		if !strings.Contains(string(out), "(redacted)") {
			t.Errorf("JSON of %s = %s, want the redacted description", name, out)
		}
	}
}

func assertNoSecret(t *testing.T, out, what string) {
	t.Helper()
	if strings.Contains(out, secretPassword) || strings.Contains(out, "KEY-MATERIAL") {
		t.Errorf("%s prints a secret: %s", what, out)
	}
}

// The OAuth token and client secret are redacted however the settings are
// printed or logged.
func TestOAuthConfig_neverPrintsSecrets(t *testing.T) {
	for _, oauth := range []*OAuthConfig{
		{Token: secretPassword, Extensions: map[string]string{"logicalCluster": "lkc-1"}},
		{TokenURL: "https://idp.example.com/token", ClientID: "provider", ClientSecret: secretPassword, Scopes: []string{"kafka"}},
	} {
		cfg := Config{BootstrapServers: []string{"b:9092"}, SASL: &SASLConfig{Mechanism: MechanismOAuthBearer, OAuth: oauth}}
		for name, v := range map[string]any{"Config": cfg, "*SASLConfig": cfg.SASL, "*OAuthConfig": oauth, "OAuthConfig": *oauth, "nested": struct{ C Config }{cfg}} {
			for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
				assertNoSecret(t, fmt.Sprintf(verb, v), verb+" of "+name)
			}
			out, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			assertNoSecret(t, string(out), "JSON of "+name)
		}
		if got := cfg.String(); !strings.Contains(got, "sasl.mechanism=OAUTHBEARER") || !strings.Contains(got, "(redacted)") {
			t.Errorf("String() = %s, want the mechanism and a redacted secret", got)
		}
	}
	aws := Config{BootstrapServers: []string{"b:9092"}, SASL: &SASLConfig{Mechanism: MechanismAWSMSKIAM, AWS: &AWSConfig{Region: "eu-west-1", RoleARN: "arn:aws:iam::1:role/r"}}}
	if got, want := aws.String(), `sasl.mechanism=AWS_MSK_IAM sasl.aws.region="eu-west-1" sasl.aws.profile="" sasl.aws.role_arn="arn:aws:iam::1:role/r"`; !strings.Contains(got, want) {
		t.Errorf("String() = %s, want %s", got, want)
	}
}

func TestConfig_String(t *testing.T) {
	cfg := secretConfig()
	got := cfg.String()
	for _, want := range []string{
		"bootstrap_servers=b1:9092,b2:9092",
		`client_id="ops"`,
		"timeout=5s",
		"sasl.mechanism=SCRAM-SHA-512",
		`sasl.username="admin"`,
		"sasl.password=(redacted)",
		"tls.ca_pem=(set)",
		"tls.key_pem=(redacted)",
		`tls.server_name="kafka.example.com"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("String() = %s\nmissing %s", got, want)
		}
	}
	if want := "kafka.Config{" + got + "}"; cfg.GoString() != want {
		t.Errorf("GoString() = %s, want %s", cfg.GoString(), want)
	}

	// Defaults are shown, and an unset password says so rather than
	// claiming a redaction.
	bare := Config{BootstrapServers: []string{"b:1"}, SASL: &SASLConfig{Mechanism: MechanismPlain, Username: "u"}}
	got = bare.String()
	for _, want := range []string{`client_id="kafkatenant"`, "timeout=30s", "sasl.password=(unset)"} {
		if !strings.Contains(got, want) {
			t.Errorf("String() = %s\nmissing %s", got, want)
		}
	}
	if strings.Contains(got, "tls.") {
		t.Errorf("String() = %s describes TLS, which is not enabled", got)
	}
}

func TestConfig_Validate(t *testing.T) {
	certPEM, keyPEM := selfSignedPEM(t)
	_, otherKeyPEM := selfSignedPEM(t)
	base := func() Config { return Config{BootstrapServers: []string{"b:9092"}} }
	cases := []struct {
		name    string
		mutate  func(*Config)
		wantErr string
	}{
		{name: "minimal", mutate: func(*Config) {}},
		{name: "no bootstrap servers", mutate: func(c *Config) { c.BootstrapServers = nil }, wantErr: "KAFKATENANT_BOOTSTRAP_SERVERS"},
		{name: "shortest timeout", mutate: func(c *Config) { c.Timeout = MinTimeout }},
		{name: "longest timeout", mutate: func(c *Config) { c.Timeout = MaxTimeout }},
		{name: "timeout too short", mutate: func(c *Config) { c.Timeout = 50 * time.Millisecond }, wantErr: "timeout 50ms is outside the range the Kafka client accepts, 1s to 15m0s"},
		{name: "timeout too long", mutate: func(c *Config) { c.Timeout = 20 * time.Minute }, wantErr: "timeout 20m0s is outside the range"},
		{name: "each mechanism", mutate: func(c *Config) {
			c.SASL = &SASLConfig{Mechanism: MechanismScramSHA256, Username: "u", Password: "p"}
		}},
		{name: "unknown mechanism", mutate: func(c *Config) {
			c.SASL = &SASLConfig{Mechanism: "GSSAPI", Username: "u"}
		}, wantErr: `sasl.mechanism "GSSAPI" is not supported: use one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER, AWS_MSK_IAM`},
		{name: "oauth static token", mutate: func(c *Config) {
			c.SASL = &SASLConfig{Mechanism: MechanismOAuthBearer, OAuth: &OAuthConfig{Token: "t"}}
		}},
		{name: "oauth client credentials", mutate: func(c *Config) {
			c.SASL = &SASLConfig{Mechanism: MechanismOAuthBearer, OAuth: &OAuthConfig{TokenURL: "https://idp/token", ClientID: "c", ClientSecret: "s"}}
		}},
		{name: "oauth without settings", mutate: func(c *Config) {
			c.SASL = &SASLConfig{Mechanism: MechanismOAuthBearer}
		}, wantErr: "needs a sasl.oauthbearer block"},
		{name: "oauth token and flow", mutate: func(c *Config) {
			c.SASL = &SASLConfig{Mechanism: MechanismOAuthBearer, OAuth: &OAuthConfig{Token: "t", TokenURL: "https://idp/token"}}
		}, wantErr: "both a static token and the client-credentials flow"},
		{name: "oauth flow incomplete", mutate: func(c *Config) {
			c.SASL = &SASLConfig{Mechanism: MechanismOAuthBearer, OAuth: &OAuthConfig{TokenURL: "https://idp/token", ClientID: "c"}}
		}, wantErr: "needs all of sasl.oauthbearer.token_url, client_id and client_secret"},
		{name: "oauth token url not http", mutate: func(c *Config) {
			c.SASL = &SASLConfig{Mechanism: MechanismOAuthBearer, OAuth: &OAuthConfig{TokenURL: "idp/token", ClientID: "c", ClientSecret: "s"}}
		}, wantErr: `token_url "idp/token" is not an http or https URL`},
		{name: "aws needs no username", mutate: func(c *Config) {
			c.SASL = &SASLConfig{Mechanism: MechanismAWSMSKIAM, AWS: &AWSConfig{Region: "eu-west-1"}}
		}},
		{name: "empty username", mutate: func(c *Config) {
			c.SASL = &SASLConfig{Mechanism: MechanismPlain}
		}, wantErr: "sasl.username is empty"},
		{name: "tls disabled ignores bad PEM", mutate: func(c *Config) {
			c.TLS = &TLSConfig{Enabled: false, CAPEM: "junk"}
		}},
		{name: "ca without certificate", mutate: func(c *Config) {
			c.TLS = &TLSConfig{Enabled: true, CAPEM: "junk"}
		}, wantErr: "tls.ca_pem holds no PEM certificate"},
		{name: "good ca", mutate: func(c *Config) {
			c.TLS = &TLSConfig{Enabled: true, CAPEM: certPEM}
		}},
		{name: "cert without key", mutate: func(c *Config) {
			c.TLS = &TLSConfig{Enabled: true, CertPEM: certPEM}
		}, wantErr: "needs both tls.cert_pem and tls.key_pem"},
		{name: "key without cert", mutate: func(c *Config) {
			c.TLS = &TLSConfig{Enabled: true, KeyPEM: keyPEM}
		}, wantErr: "needs both tls.cert_pem and tls.key_pem"},
		{name: "mismatched pair", mutate: func(c *Config) {
			c.TLS = &TLSConfig{Enabled: true, CertPEM: certPEM, KeyPEM: otherKeyPEM}
		}, wantErr: "do not form a valid certificate and key pair"},
		{name: "good pair", mutate: func(c *Config) {
			c.TLS = &TLSConfig{Enabled: true, CertPEM: certPEM, KeyPEM: keyPEM}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base()
			tc.mutate(&cfg)
			err := cfg.Validate()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				if _, err := cfg.kgoOpts(); err != nil {
					t.Fatalf("kgoOpts() = %v for a valid config", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tc.wantErr)
			}
			if cfg.TLS != nil && cfg.TLS.KeyPEM != "" && strings.Contains(err.Error(), "PRIVATE KEY") {
				t.Errorf("Validate() error quotes key material: %v", err)
			}
			if _, optsErr := cfg.kgoOpts(); optsErr == nil {
				t.Errorf("kgoOpts() accepted a config Validate rejects")
			}
		})
	}
}

func TestConnectError_Error(t *testing.T) {
	cause := errors.New("EOF")
	ce := &ConnectError{Kind: ConnectSASLAuth, Addr: "b:9092", Mechanism: MechanismPlain, Username: "alice", Err: cause}
	got := ce.Error()
	if want := `SASL PLAIN authentication as "alice" was rejected by b:9092: EOF`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(ce, cause) {
		t.Errorf("errors.Is(ConnectError, cause) = false; Unwrap must expose the cause")
	}
	mech := &ConnectError{Kind: ConnectSASLMechanism, Addr: "b:9092", Mechanism: MechanismPlain, EnabledMechanisms: []string{"SCRAM-SHA-256", "SCRAM-SHA-512"}}
	if want := "the listener at b:9092 does not enable SASL mechanism PLAIN (enabled: SCRAM-SHA-256, SCRAM-SHA-512)"; mech.Error() != want {
		t.Errorf("Error() = %q, want %q", mech.Error(), want)
	}
}

// selfSignedPEM returns a certificate and its private key in PEM.
func selfSignedPEM(t *testing.T) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "client"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
}
