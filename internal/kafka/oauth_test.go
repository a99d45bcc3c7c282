package kafka_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

const (
	oauthClientID     = "kafkatenant-admin"
	oauthClientSecret = "client-secret-DO-NOT-PRINT-77ab"
)

// tokenEndpoint is a client-credentials token endpoint on loopback that
// issues numbered tokens living lifetime, and remembers when each expires.
type tokenEndpoint struct {
	*httptest.Server
	lifetime time.Duration

	mu      sync.Mutex
	issued  map[string]time.Time // token → expiry
	scopes  []string
	refused bool
}

func newTokenEndpoint(t *testing.T, lifetime time.Duration) *tokenEndpoint {
	t.Helper()
	e := &tokenEndpoint{lifetime: lifetime, issued: map[string]time.Time{}}
	e.Server = httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(e.Close)
	return e
}

func (e *tokenEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id, secret, ok := r.BasicAuth()
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost || r.Form.Get("grant_type") != "client_credentials" {
		http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
		return
	}
	if !ok {
		id, secret = r.Form.Get("client_id"), r.Form.Get("client_secret")
	}
	w.Header().Set("Content-Type", "application/json")
	if e.refused || id != oauthClientID || secret != oauthClientSecret {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"client authentication failed"}`))
		return
	}
	e.scopes = strings.Fields(r.Form.Get("scope"))
	token := fmt.Sprintf("token-%d", len(e.issued)+1)
	e.issued[token] = time.Now().Add(e.lifetime)
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": token, "token_type": "Bearer", "expires_in": int(e.lifetime.Seconds())})
}

func (e *tokenEndpoint) expiry(token string) (time.Time, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	exp, ok := e.issued[token]
	return exp, ok
}

// presented is one OAUTHBEARER login as the broker saw it.
type presented struct {
	token      string
	extensions map[string]string
	at         time.Time
}

// oauthBroker is a kfake broker that speaks OAUTHBEARER: kfake itself
// offers only PLAIN and SCRAM, so control functions answer the handshake
// and decode each SaslAuthenticate (RFC 7628 client response), accepting
// the token unless reject is set. Sessions last sessionLifetime, after
// which franz-go re-authenticates.
type oauthBroker struct {
	*kfake.Cluster
	mu     sync.Mutex
	logins []presented
	reject bool
}

func newOAuthBroker(t *testing.T, sessionLifetime time.Duration) *oauthBroker {
	t.Helper()
	b := &oauthBroker{Cluster: startKfake(t)}
	b.ControlKey(int16(kmsg.SASLHandshake), func(req kmsg.Request) (kmsg.Response, error, bool) {
		b.KeepControl()
		hs := req.(*kmsg.SASLHandshakeRequest)
		resp := hs.ResponseKind().(*kmsg.SASLHandshakeResponse)
		resp.SupportedMechanisms = []string{kafka.MechanismOAuthBearer}
		if hs.Mechanism != kafka.MechanismOAuthBearer {
			resp.ErrorCode = kerr.UnsupportedSaslMechanism.Code
		}
		return resp, nil, true
	})
	b.ControlKey(int16(kmsg.SASLAuthenticate), func(req kmsg.Request) (kmsg.Response, error, bool) {
		b.KeepControl()
		auth := req.(*kmsg.SASLAuthenticateRequest)
		resp := auth.ResponseKind().(*kmsg.SASLAuthenticateResponse)
		p, err := decodeOAuthBearer(auth.SASLAuthBytes)
		b.mu.Lock()
		defer b.mu.Unlock()
		if err != nil || b.reject {
			resp.ErrorCode = kerr.SaslAuthenticationFailed.Code
			msg := "invalid token"
			resp.ErrorMessage = &msg
			return resp, nil, true
		}
		p.at = time.Now()
		b.logins = append(b.logins, p)
		resp.SessionLifetimeMillis = sessionLifetime.Milliseconds()
		return resp, nil, true
	})
	return b
}

func (b *oauthBroker) seen() []presented {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.logins)
}

// decodeOAuthBearer parses "n,,\x01auth=Bearer TOKEN\x01k=v\x01\x01".
func decodeOAuthBearer(b []byte) (presented, error) {
	gs2, rest, ok := strings.Cut(string(b), "\x01")
	if !ok || gs2 != "n,," || !strings.HasSuffix(rest, "\x01\x01") {
		return presented{}, fmt.Errorf("not an OAUTHBEARER client response: %q", b)
	}
	p := presented{extensions: map[string]string{}}
	for _, kv := range strings.Split(strings.TrimSuffix(rest, "\x01\x01"), "\x01") {
		k, v, _ := strings.Cut(kv, "=")
		if k == "auth" {
			p.token = strings.TrimPrefix(v, "Bearer ")
			continue
		}
		p.extensions[k] = v
	}
	if p.token == "" {
		return presented{}, fmt.Errorf("no bearer token in %q", b)
	}
	return p, nil
}

func oauthConfig(broker *oauthBroker, oauth *kafka.OAuthConfig) kafka.Config {
	return kafka.Config{
		BootstrapServers: broker.ListenAddrs(),
		Timeout:          testTimeout,
		SASL:             &kafka.SASLConfig{Mechanism: kafka.MechanismOAuthBearer, OAuth: oauth},
	}
}

// The client-credentials flow fetches a token with the configured client
// and scopes, the broker receives it with the extensions, and a token is
// fetched again before it expires: no login ever presents an expired one.
func TestOAuth_clientCredentialsFlowAndRefresh(t *testing.T) {
	t.Parallel()
	endpoint := newTokenEndpoint(t, 2*time.Second)
	broker := newOAuthBroker(t, 700*time.Millisecond)
	c := kafka.NewClient(oauthConfig(broker, &kafka.OAuthConfig{
		TokenURL: endpoint.URL + "/token", ClientID: oauthClientID, ClientSecret: oauthClientSecret,
		Scopes: []string{"kafka", "admin"}, Extensions: map[string]string{"logicalCluster": "lkc-1"},
	}))
	t.Cleanup(c.Close)
	ctx := context.Background()
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping with a client-credentials token: %v", err)
	}
	// Keep the connection busy past two token lifetimes; the brokers'
	// sessions last 0.7s, so the client logs in again and again.
	for deadline := time.Now().Add(4500 * time.Millisecond); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		if _, err := c.ListTopics(ctx); err != nil {
			t.Fatalf("ListTopics while tokens rotate: %v", err)
		}
	}

	logins := broker.seen()
	tokens := map[string]bool{}
	for _, l := range logins {
		tokens[l.token] = true
		exp, ok := endpoint.expiry(l.token)
		switch {
		case !ok:
			t.Errorf("the broker received %q, which the endpoint never issued", l.token)
		case !l.at.Before(exp):
			t.Errorf("token %q was presented at %s, after it expired at %s", l.token, l.at.Format(time.StampMilli), exp.Format(time.StampMilli))
		case exp.Sub(l.at) < 300*time.Millisecond:
			t.Errorf("token %q was presented %s before expiring; it should have been refreshed at 80%% of its life", l.token, exp.Sub(l.at))
		}
		if l.extensions["logicalCluster"] != "lkc-1" {
			t.Errorf("login with %q carried extensions %v, want logicalCluster=lkc-1", l.token, l.extensions)
		}
	}
	if len(tokens) < 2 {
		t.Errorf("the broker saw tokens %v over %d logins; want the token refreshed at least once", tokens, len(logins))
	}
	endpoint.mu.Lock()
	scopes := endpoint.scopes
	endpoint.mu.Unlock()
	if !slices.Equal(scopes, []string{"kafka", "admin"}) {
		t.Errorf("the endpoint was asked for scopes %v, want [kafka admin]", scopes)
	}
}

func TestOAuth_staticToken(t *testing.T) {
	t.Parallel()
	broker := newOAuthBroker(t, 0)
	if err := ping(t, oauthConfig(broker, &kafka.OAuthConfig{Token: "static-token-1"})); err != nil {
		t.Fatalf("Ping with a static token: %v", err)
	}
	if logins := broker.seen(); len(logins) == 0 || logins[0].token != "static-token-1" {
		t.Errorf("the broker saw %+v, want the static token", logins)
	}
}

// Each failure names what to check, and never the client secret.
func TestOAuth_failuresAreExplained(t *testing.T) {
	t.Parallel()
	flow := func(url string) *kafka.OAuthConfig {
		return &kafka.OAuthConfig{TokenURL: url, ClientID: oauthClientID, ClientSecret: oauthClientSecret}
	}
	check := func(t *testing.T, broker *oauthBroker, err error, kind kafka.ConnectErrorKind, want ...string) {
		t.Helper()
		ce := wantKind(t, err, kind, broker.ListenAddrs()[0])
		for _, w := range want {
			if !strings.Contains(ce.Error(), w) {
				t.Errorf("error %q does not contain %q", ce.Error(), w)
			}
		}
		if strings.Contains(err.Error(), oauthClientSecret) {
			t.Errorf("error %q contains the client secret", err)
		}
	}

	t.Run("endpoint unreachable", func(t *testing.T) {
		broker := newOAuthBroker(t, 0)
		url := "http://" + closedPort(t) + "/token"
		err := ping(t, oauthConfig(broker, flow(url)))
		check(t, broker, err, kafka.ConnectOAuthEndpoint, "token endpoint "+url+" could not be reached", "connection refused")
	})
	t.Run("client refused by the endpoint", func(t *testing.T) {
		endpoint := newTokenEndpoint(t, time.Minute)
		endpoint.refused = true
		broker := newOAuthBroker(t, 0)
		err := ping(t, oauthConfig(broker, flow(endpoint.URL)))
		check(t, broker, err, kafka.ConnectOAuthRejected, "refused the client-credentials request with HTTP 401", "invalid_client")
	})
	t.Run("token rejected by the broker", func(t *testing.T) {
		endpoint := newTokenEndpoint(t, time.Minute)
		broker := newOAuthBroker(t, 0)
		broker.reject = true
		err := ping(t, oauthConfig(broker, flow(endpoint.URL)))
		check(t, broker, err, kafka.ConnectSASLAuth, "SASL OAUTHBEARER authentication was rejected")
	})
}
