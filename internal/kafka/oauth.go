package kafka

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/oauth"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// refreshFactor is how much of a token's lifetime may pass before a new one
// is fetched, as Kafka's own clients do (sasl.login.refresh.window.factor).
const refreshFactor = 0.8

// OAuthConfig holds the OAUTHBEARER settings: a static Token, or the
// client-credentials flow (TokenURL, ClientID, ClientSecret). Its String
// method redacts the token and the client secret.
type OAuthConfig struct {
	// Token is a static bearer token. It is never printed.
	Token string
	// TokenURL is the token endpoint of the client-credentials flow.
	TokenURL string
	// ClientID identifies the provider to the token endpoint.
	ClientID string
	// ClientSecret authenticates ClientID. It is never printed.
	ClientSecret string
	// Scopes are requested with every token; empty requests none.
	Scopes []string
	// Extensions are SASL extensions (KIP-342) sent with the token, such as
	// the logicalCluster and identityPoolId Confluent Cloud expects.
	Extensions map[string]string
}

// String describes the settings without the token or client secret.
func (o OAuthConfig) String() string { return "{" + o.describe("") + "}" }

// GoString keeps %#v from printing the token or client secret.
func (o OAuthConfig) GoString() string { return "kafka.OAuthConfig" + o.String() }

// MarshalJSON encodes the redacted description.
func (o OAuthConfig) MarshalJSON() ([]byte, error) { return json.Marshal(o.String()) }

func (o OAuthConfig) describe(prefix string) string {
	ext := make([]string, 0, len(o.Extensions))
	for k := range o.Extensions {
		ext = append(ext, k)
	}
	sort.Strings(ext)
	return fmt.Sprintf("%stoken=%s %stoken_url=%q %sclient_id=%q %sclient_secret=%s %sscopes=%q %sextensions=%q",
		prefix, redacted(o.Token), prefix, o.TokenURL, prefix, o.ClientID, prefix, redacted(o.ClientSecret), prefix, o.Scopes, prefix, ext)
}

// Validate reports settings that cannot work: both a static token and the
// client-credentials flow, neither, an incomplete flow, or a token URL that
// is not http or https.
func (o OAuthConfig) Validate() error {
	flow := o.TokenURL != "" || o.ClientID != "" || o.ClientSecret != ""
	switch {
	case o.Token != "" && flow:
		return errors.New("sasl.oauthbearer sets both a static token and the client-credentials flow (token_url, client_id, client_secret): keep one")
	case o.Token != "":
		return nil
	case !flow:
		return errors.New("sasl.oauthbearer needs a static token, or token_url, client_id and client_secret for the client-credentials flow")
	case o.TokenURL == "" || o.ClientID == "" || o.ClientSecret == "":
		return errors.New("the client-credentials flow needs all of sasl.oauthbearer.token_url, client_id and client_secret")
	}
	u, err := url.Parse(o.TokenURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("sasl.oauthbearer.token_url %q is not an http or https URL", o.TokenURL)
	}
	return nil
}

// mechanism returns the OAUTHBEARER mechanism. Every SASL session (each
// new connection, and each re-authentication the brokers ask for) takes
// the current token, fetched again once 80% of its lifetime has passed.
func (o *OAuthConfig) mechanism() sasl.Mechanism {
	static, extensions := o.Token, o.Extensions
	tokens := &tokenCache{
		cfg: &clientcredentials.Config{ClientID: o.ClientID, ClientSecret: o.ClientSecret, TokenURL: o.TokenURL, Scopes: o.Scopes},
		now: time.Now,
	}
	return oauth.Oauth(func(ctx context.Context) (oauth.Auth, error) {
		token := static
		if token == "" {
			var err error
			if token, err = tokens.get(ctx); err != nil {
				return oauth.Auth{}, err
			}
		}
		return oauth.Auth{Token: token, Extensions: extensions}, nil
	})
}

// tokenCache holds the current client-credentials token and when to fetch
// the next.
type tokenCache struct {
	cfg *clientcredentials.Config
	now func() time.Time

	mu        sync.Mutex
	token     string
	refreshAt time.Time
}

// get returns a token that has at least a fifth of its lifetime left,
// fetching a new one when needed. A token without an expiry is fetched
// anew for every session.
func (c *tokenCache) get(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if c.token != "" && now.Before(c.refreshAt) {
		return c.token, nil
	}
	t, err := c.cfg.Token(ctx)
	if err != nil {
		return "", &TokenError{URL: c.cfg.TokenURL, Err: err}
	}
	c.token, c.refreshAt = t.AccessToken, now
	if !t.Expiry.IsZero() {
		c.refreshAt = now.Add(time.Duration(float64(t.Expiry.Sub(now)) * refreshFactor))
	}
	return c.token, nil
}

// TokenError reports a failure to obtain an OAuth token from the token
// endpoint. Rejected tells an endpoint that answered with an error (wrong
// client id or secret, unknown scope) from one that could not be reached.
type TokenError struct {
	// URL is the token endpoint.
	URL string
	// Err is the error from the OAuth client. It never holds the secret.
	Err error
}

// Rejected reports whether the endpoint answered and refused the request,
// and with which HTTP status.
func (e *TokenError) Rejected() (int, bool) {
	var re *oauth2.RetrieveError
	if errors.As(e.Err, &re) && re.Response != nil {
		return re.Response.StatusCode, true
	}
	return 0, false
}

func (e *TokenError) Error() string {
	if status, ok := e.Rejected(); ok {
		var re *oauth2.RetrieveError
		errors.As(e.Err, &re)
		detail := re.ErrorCode
		if re.ErrorDescription != "" {
			detail = strings.TrimSpace(detail + ": " + re.ErrorDescription)
		}
		if detail == "" {
			detail = strings.TrimSpace(string(re.Body))
		}
		return fmt.Sprintf("the OAuth token endpoint %s refused the client-credentials request with HTTP %d: %s", e.URL, status, detail)
	}
	return fmt.Sprintf("the OAuth token endpoint %s could not be reached: %v", e.URL, e.Err)
}

// Unwrap returns the OAuth client's error.
func (e *TokenError) Unwrap() error { return e.Err }
