// Package kafka is the only package in kafkatenant that speaks the Kafka
// protocol. It wraps franz-go's kgo and kadm clients behind a narrow Client
// that connects lazily, turns connection failures into actionable errors,
// coalesces concurrent reads into shared requests, and reports missing
// objects through sentinel errors such as ErrNotFound.
package kafka

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// SASL mechanisms the provider can authenticate with.
const (
	MechanismPlain       = "PLAIN"
	MechanismScramSHA256 = "SCRAM-SHA-256"
	MechanismScramSHA512 = "SCRAM-SHA-512"
	// MechanismOAuthBearer authenticates with an OAuth 2.0 bearer token
	// (KIP-255), static or from a client-credentials token endpoint.
	MechanismOAuthBearer = "OAUTHBEARER"
	// MechanismAWSMSKIAM authenticates to Amazon MSK with AWS IAM
	// credentials, signing each login with SigV4.
	MechanismAWSMSKIAM = "AWS_MSK_IAM"
)

// Mechanisms lists every SASL mechanism Config accepts, in the order the
// documentation presents them.
var Mechanisms = []string{MechanismPlain, MechanismScramSHA256, MechanismScramSHA512, MechanismOAuthBearer, MechanismAWSMSKIAM}

// UsesPassword reports whether mechanism logs in with a user name and
// password (PLAIN and SCRAM), as opposed to a token or IAM credentials.
func UsesPassword(mechanism string) bool {
	switch mechanism {
	case MechanismPlain, MechanismScramSHA256, MechanismScramSHA512:
		return true
	default:
		return false
	}
}

// DefaultTimeout bounds each request and the initial connection when Config
// does not set Timeout.
const DefaultTimeout = 30 * time.Second

// MinTimeout and MaxTimeout bound Config.Timeout. franz-go refuses a
// request timeout overhead above 15 minutes, and a timeout under a second
// would fail healthy clusters on an ordinary garbage-collection pause.
const (
	MinTimeout = time.Second
	MaxTimeout = 15 * time.Minute
)

// DefaultClientID is the client.id the provider announces to the brokers
// when Config does not set ClientID.
const DefaultClientID = "kafkatenant"

// Config holds everything needed to reach a cluster. Its String method
// redacts secrets, so a Config can be logged or printed safely.
type Config struct {
	// BootstrapServers are host:port pairs of one or more brokers.
	BootstrapServers []string
	// ClientID is the client.id sent with every request.
	ClientID string
	// Timeout bounds each request; zero means DefaultTimeout. Validate
	// accepts MinTimeout to MaxTimeout.
	Timeout time.Duration
	// SASL, when non-nil, authenticates every connection.
	SASL *SASLConfig
	// TLS, when non-nil and Enabled, encrypts every connection.
	TLS *TLSConfig
	// RegistryTopic names the topic holding kafkatenant's metadata; empty
	// means DefaultRegistryTopic.
	RegistryTopic string
}

// SASLConfig selects a SASL mechanism and the credentials it presents.
type SASLConfig struct {
	// Mechanism is one of Mechanisms.
	Mechanism string
	// Username is the SASL user name, for PLAIN and SCRAM.
	Username string
	// Password is the SASL password, for PLAIN and SCRAM. It is never
	// printed.
	Password string
	// OAuth holds the token settings of OAUTHBEARER.
	OAuth *OAuthConfig
	// AWS holds the IAM settings of AWS_MSK_IAM.
	AWS *AWSConfig
}

// TLSConfig describes the TLS settings of every broker connection. PEM
// fields hold PEM text, not file names, so that settings can travel through
// environment variables.
type TLSConfig struct {
	// Enabled turns TLS on.
	Enabled bool
	// CAPEM holds the certificate authorities that sign the brokers'
	// certificates; empty means the system pool.
	CAPEM string
	// CertPEM and KeyPEM hold the client certificate and key for mutual TLS.
	CertPEM string
	// KeyPEM is the client's private key. It is never printed.
	KeyPEM string
	// ServerName overrides the name verified in the brokers' certificates.
	ServerName string
	// InsecureSkipVerify disables certificate verification.
	InsecureSkipVerify bool
}

// String describes the configuration with secrets replaced by a marker, so
// that it is safe to log.
func (c Config) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "bootstrap_servers=%s client_id=%q timeout=%s",
		strings.Join(c.BootstrapServers, ","), c.clientID(), c.timeout())
	if c.SASL != nil {
		b.WriteString(" " + c.SASL.describe("sasl."))
	}
	if c.TLS != nil && c.TLS.Enabled {
		fmt.Fprintf(&b, " tls.ca_pem=%s tls.cert_pem=%s tls.key_pem=%s tls.server_name=%q tls.insecure_skip_verify=%t",
			present(c.TLS.CAPEM), present(c.TLS.CertPEM), redacted(c.TLS.KeyPEM), c.TLS.ServerName, c.TLS.InsecureSkipVerify)
	}
	return b.String()
}

// GoString keeps %#v from printing secrets.
func (c Config) GoString() string { return "kafka.Config{" + c.String() + "}" }

// String keeps a SASLConfig printed on its own from showing the password.
func (s SASLConfig) String() string { return "{" + s.describe("") + "}" }

// describe lists the settings of the mechanism, secrets redacted, each key
// prefixed with prefix.
func (s SASLConfig) describe(prefix string) string {
	parts := []string{prefix + "mechanism=" + s.Mechanism}
	switch s.Mechanism {
	case MechanismOAuthBearer:
		if s.OAuth != nil {
			parts = append(parts, s.OAuth.describe(prefix+"oauthbearer."))
		}
	case MechanismAWSMSKIAM:
		if s.AWS != nil {
			parts = append(parts, s.AWS.describe(prefix+"aws."))
		}
	default:
		parts = append(parts, fmt.Sprintf("%susername=%q %spassword=%s", prefix, s.Username, prefix, redacted(s.Password)))
	}
	return strings.Join(parts, " ")
}

// GoString keeps %#v from printing the password.
func (s SASLConfig) GoString() string { return "kafka.SASLConfig" + s.String() }

// String keeps a TLSConfig printed on its own from showing the key.
func (t TLSConfig) String() string {
	return fmt.Sprintf("{enabled=%t ca_pem=%s cert_pem=%s key_pem=%s server_name=%q insecure_skip_verify=%t}",
		t.Enabled, present(t.CAPEM), present(t.CertPEM), redacted(t.KeyPEM), t.ServerName, t.InsecureSkipVerify)
}

// GoString keeps %#v from printing the key.
func (t TLSConfig) GoString() string { return "kafka.TLSConfig" + t.String() }

// MarshalJSON encodes the redacted description. Structured loggers, hclog
// under tflog among them, JSON-encode field values, which would otherwise
// write the exported Password field verbatim.
func (c Config) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// MarshalJSON encodes the redacted description, as Config's does.
func (s SASLConfig) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// MarshalJSON encodes the redacted description, as Config's does.
func (t TLSConfig) MarshalJSON() ([]byte, error) { return json.Marshal(t.String()) }

func redacted(secret string) string {
	if secret == "" {
		return "(unset)"
	}
	return "(redacted)"
}

func present(v string) string {
	if v == "" {
		return "(unset)"
	}
	return "(set)"
}

// EffectiveTimeout is the timeout the client uses: Timeout, or
// DefaultTimeout when it is not set. It bounds each whole operation of the
// provider, the first connection included.
func (c Config) EffectiveTimeout() time.Duration { return c.timeout() }

func (c Config) timeout() time.Duration {
	if c.Timeout <= 0 {
		return DefaultTimeout
	}
	return c.Timeout
}

func (c Config) clientID() string {
	if c.ClientID == "" {
		return DefaultClientID
	}
	return c.ClientID
}

// principal names the provider's own principal for the registry records it
// writes: the SASL user, or empty when the listener authenticates
// otherwise.
func (c Config) principal() string {
	if c.SASL == nil || c.SASL.Username == "" {
		return ""
	}
	return "User:" + c.SASL.Username
}

// tlsEnabled reports whether connections use TLS.
func (c Config) tlsEnabled() bool { return c.TLS != nil && c.TLS.Enabled }

// Validate reports configuration mistakes that need no broker to detect.
func (c Config) Validate() error {
	if len(c.BootstrapServers) == 0 {
		return errors.New("no bootstrap servers are configured: set bootstrap_servers or KAFKATENANT_BOOTSTRAP_SERVERS")
	}
	if c.Timeout != 0 && (c.Timeout < MinTimeout || c.Timeout > MaxTimeout) {
		return fmt.Errorf("timeout %s is outside the range the Kafka client accepts, %s to %s: set timeout or KAFKATENANT_TIMEOUT within it", c.Timeout, MinTimeout, MaxTimeout)
	}
	if c.SASL != nil {
		if err := c.SASL.validate(); err != nil {
			return err
		}
	}
	if c.tlsEnabled() {
		if _, err := c.TLS.config(); err != nil {
			return err
		}
	}
	return nil
}

func (s *SASLConfig) validate() error {
	switch s.Mechanism {
	case MechanismOAuthBearer:
		if s.OAuth == nil {
			return errors.New("sasl.mechanism OAUTHBEARER needs a sasl.oauthbearer block: a static token, or token_url, client_id and client_secret")
		}
		return s.OAuth.Validate()
	case MechanismAWSMSKIAM:
		return nil
	}
	if _, err := s.mechanism(); err != nil {
		return err
	}
	if s.Username == "" {
		return errors.New("sasl.username is empty: a SASL mechanism needs a user name")
	}
	return nil
}

func (s *SASLConfig) mechanism() (sasl.Mechanism, error) {
	switch s.Mechanism {
	case MechanismOAuthBearer:
		if s.OAuth == nil {
			return nil, errors.New("sasl.mechanism OAUTHBEARER needs a sasl.oauthbearer block")
		}
		return s.OAuth.mechanism(), nil
	case MechanismAWSMSKIAM:
		aws := s.AWS
		if aws == nil {
			aws = &AWSConfig{}
		}
		return aws.mechanism(), nil
	case MechanismPlain:
		return plain.Auth{User: s.Username, Pass: s.Password}.AsMechanism(), nil
	case MechanismScramSHA256:
		return scram.Auth{User: s.Username, Pass: s.Password}.AsSha256Mechanism(), nil
	case MechanismScramSHA512:
		return scram.Auth{User: s.Username, Pass: s.Password}.AsSha512Mechanism(), nil
	default:
		return nil, fmt.Errorf("sasl.mechanism %q is not supported: use one of %s", s.Mechanism, strings.Join(Mechanisms, ", "))
	}
}

func (t *TLSConfig) config() (*tls.Config, error) {
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         t.ServerName,
		InsecureSkipVerify: t.InsecureSkipVerify, //nolint:gosec // an explicit, documented user choice
	}
	if t.CAPEM != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(t.CAPEM)) {
			return nil, errors.New("tls.ca_pem holds no PEM certificate: paste the CA certificate including its BEGIN/END lines")
		}
		cfg.RootCAs = pool
	}
	switch {
	case t.CertPEM != "" && t.KeyPEM != "":
		pair, err := tls.X509KeyPair([]byte(t.CertPEM), []byte(t.KeyPEM))
		if err != nil {
			// The parse error can quote key material; name the fields only.
			return nil, errors.New("tls.cert_pem and tls.key_pem do not form a valid certificate and key pair: check both are PEM and belong together")
		}
		cfg.Certificates = []tls.Certificate{pair}
	case t.CertPEM != "" || t.KeyPEM != "":
		return nil, errors.New("mutual TLS needs both tls.cert_pem and tls.key_pem: set both or neither")
	}
	return cfg, nil
}

// kgoOpts translates the configuration into franz-go client options.
func (c Config) kgoOpts() ([]kgo.Opt, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.BootstrapServers...),
		kgo.ClientID(c.clientID()),
		kgo.DialTimeout(min(c.timeout(), 10*time.Second)),
		kgo.RetryTimeout(c.timeout()),
		kgo.RequestTimeoutOverhead(c.timeout()),
		kgo.MetadataMinAge(time.Second),
		// A provider run is short and not the cluster operator's
		// application to observe (KIP-714): no telemetry requests.
		kgo.DisableClientMetrics(),
	}
	if c.SASL != nil {
		mech, err := c.SASL.mechanism()
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.SASL(mech))
	}
	if c.tlsEnabled() {
		tc, err := c.TLS.config()
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.Dialer(dialTLS(tc, min(c.timeout(), 10*time.Second))))
	}
	return opts, nil
}
