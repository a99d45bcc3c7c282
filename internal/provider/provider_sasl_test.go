package provider_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// brokerOffering starts a one-broker kfake cluster whose SASL handshake
// accepts mechanism, which kfake itself does not speak, so that the
// provider gets as far as preparing its login (fetching a token, finding
// AWS credentials) before anything fails.
func brokerOffering(t *testing.T, mechanism string) []string {
	t.Helper()
	fake, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	fake.ControlKey(int16(kmsg.SASLHandshake), func(req kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		resp := req.ResponseKind().(*kmsg.SASLHandshakeResponse)
		resp.SupportedMechanisms = []string{mechanism}
		return resp, nil, true
	})
	return fake.ListenAddrs()
}

const oauthTestSecret = "oauth-client-secret-DO-NOT-PRINT-3c7f"

func oauthFlow(tokenURL string) string {
	return `
  sasl = {
    mechanism = "OAUTHBEARER"
    oauthbearer = {
      token_url     = "` + tokenURL + `"
      client_id     = "kafkatenant"
      client_secret = "` + oauthTestSecret + `"
    }
  }
`
}

func TestAccProvider_oauthTokenEndpointUnreachable(t *testing.T) {
	brokers := brokerOffering(t, "OAUTHBEARER")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String() + "/oauth2/token"
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	testProviderError(t, providerBlock(brokers, oauthFlow(url))+oneTopic(acctest.Name("oauth")), []string{oauthTestSecret},
		`Error: OAuth Token Endpoint Unreachable`,
		`Check sasl\.oauthbearer\.token_url \(or KAFKATENANT_SASL_OAUTHBEARER_TOKEN_URL\)`,
		regexp.QuoteMeta(url)+` could not be reached`,
	)
}

func TestAccProvider_oauthTokenRequestRefused(t *testing.T) {
	brokers := brokerOffering(t, "OAUTHBEARER")
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"unknown client"}`))
	}))
	defer idp.Close()
	testProviderError(t, providerBlock(brokers, oauthFlow(idp.URL))+oneTopic(acctest.Name("oauth")), []string{oauthTestSecret},
		`Error: OAuth Token Request Refused`,
		`Check sasl\.oauthbearer\.client_id and client_secret`,
		`HTTP 401: invalid_client: unknown client`,
	)
}

// A listener without OAUTHBEARER (the embedded cluster offers none) refuses
// a token from a working endpoint at the handshake, and the error lists
// what the listener enables.
func TestAccProvider_oauthMechanismNotEnabled(t *testing.T) {
	conn := acctest.ConnectionConfig()
	if conn.SASL == nil || conn.SASL.Mechanism == kafka.MechanismOAuthBearer {
		t.Skip("the cluster under test may enable OAUTHBEARER: it is reached without SASL or with OAUTHBEARER itself")
	}
	enabled := `PLAIN, SCRAM-SHA-256, SCRAM-SHA-512`
	if !acctest.IsEmbedded() {
		// Whatever the external listener enables, it includes the mechanism
		// the suite logs in with.
		enabled = `[A-Z0-9_, -]*` + regexp.QuoteMeta(conn.SASL.Mechanism)
	}
	testProviderError(t, providerBlock(conn.BootstrapServers, `
  sasl = {
    mechanism   = "OAUTHBEARER"
    oauthbearer = { token = "`+oauthTestSecret+`" }
  }
`)+oneTopic(acctest.Name("oauth")), []string{oauthTestSecret},
		`Error: SASL Mechanism Not Enabled`,
		`does not enable OAUTHBEARER\. Set sasl\.mechanism to one it enables: `+enabled,
	)
}

func TestAccProvider_noAWSCredentials(t *testing.T) {
	brokers := brokerOffering(t, "AWS_MSK_IAM")
	// Nothing in the default chain, and no instance metadata service.
	dir := t.TempDir()
	for _, kv := range [][2]string{
		{"AWS_CONFIG_FILE", filepath.Join(dir, "none")}, {"AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none")},
		{"AWS_EC2_METADATA_DISABLED", "true"}, {"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", ""}, {"AWS_SESSION_TOKEN", ""},
		{"AWS_PROFILE", ""}, {"AWS_WEB_IDENTITY_TOKEN_FILE", ""}, {"AWS_ROLE_ARN", ""},
		{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", ""}, {"AWS_CONTAINER_CREDENTIALS_FULL_URI", ""}, {"AWS_REGION", "eu-west-1"},
	} {
		t.Setenv(kv[0], kv[1])
	}
	checkProviderError(t, false, providerBlock(brokers, `
  sasl = {
    mechanism = "AWS_MSK_IAM"
  }
`)+oneTopic(acctest.Name("iam")), nil,
		`Error: No AWS Credentials for MSK IAM`,
		`AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
		`no AWS credentials could be resolved`,
	)
}
