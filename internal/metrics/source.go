package metrics

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/common/config"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// Source reads what the brokers report about one tenant's traffic.
type Source interface {
	// Observe returns one observation per broker that reports any of the
	// tenant's series. user is the Kafka user name as quota entities name
	// it (alice, not User:alice). When clientIDs is empty, every client id
	// of the user counts, including the series Kafka keeps for the user as
	// a whole; otherwise only series with exactly those client ids do.
	Observe(ctx context.Context, user string, clientIDs []string) (Result, error)
	// ObserveUsers returns, for each of users, what Observe returns for it
	// with no client ids, reading the source once for all of them: the text
	// endpoints are fetched once, and Prometheus answers one query per
	// metric. With window above zero, each value is the highest the broker
	// reported over the window up to now, the rates of a user's client ids
	// summed first (PrometheusAPI only: TextEndpoints serve present values
	// and refuse a window).
	ObserveUsers(ctx context.Context, users []string, window time.Duration) (UsersResult, error)
}

// UsersResult is what a Source observed for several users at once.
type UsersResult struct {
	// Observations holds, per user as given, one entry per broker as in
	// Result.Observations. A user no broker reports, which for Kafka's
	// per-user sensors means no recent traffic, is absent.
	Observations map[string][]tenancy.Observation
	// Warnings are as in Result.Warnings.
	Warnings []string
}

var (
	_ Source = (*PrometheusAPI)(nil)
	_ Source = (*TextEndpoints)(nil)
)

// Result is what a Source observed.
type Result struct {
	// Observations holds one entry per broker with at least one observed
	// value, sorted by broker. It is empty when no broker reports the
	// tenant, which for Kafka's per-user sensors means no recent traffic.
	Observations []tenancy.Observation
	// Warnings are things the operator should know that did not stop the
	// read, such as Prometheus' own warnings (partial data) or series with
	// infinite values that were left out.
	Warnings []string
}

// DefaultTimeout bounds each HTTP request a Source makes when no other
// timeout is given.
const DefaultTimeout = 10 * time.Second

// maxWarningDetail caps server-provided text in errors, so that an HTML
// error page does not flood a plan.
const maxWarningDetail = 300

// Option configures how a Source talks HTTP.
type Option func(*options)

type options struct {
	basicUser     string
	basicPassword string
	bearerToken   string
	client        *http.Client
	timeout       time.Duration
}

// WithBasicAuth sends HTTP basic authentication. Empty username and
// password leave it off, so callers can pass optional settings through.
// The credentials are never logged or put in errors.
func WithBasicAuth(username, password string) Option {
	return func(o *options) { o.basicUser, o.basicPassword = username, password }
}

// WithBearerToken sends an Authorization: Bearer header. An empty token
// leaves it off. The token is never logged or put in errors.
func WithBearerToken(token string) Option {
	return func(o *options) { o.bearerToken = token }
}

// WithHTTPClient sets the HTTP client, for TLS settings or a proxy. The
// client is copied; authentication wraps its transport, and its Timeout is
// kept when set.
func WithHTTPClient(c *http.Client) Option {
	return func(o *options) { o.client = c }
}

// WithTimeout bounds each HTTP request; zero or less means
// DefaultTimeout. A deadline on the context passed to Observe applies as
// well.
func WithTimeout(d time.Duration) Option {
	return func(o *options) { o.timeout = d }
}

// newHTTPClient builds the client a Source uses from its options.
// Credentials go into prometheus/common's round trippers, which also drop
// them on redirects to another host.
func newHTTPClient(opts []Option) (*http.Client, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	basic := o.basicUser != "" || o.basicPassword != ""
	switch {
	case o.basicUser == "" && o.basicPassword != "":
		return nil, errors.New("a basic auth password is set without a username; set both, or neither")
	case basic && o.bearerToken != "":
		return nil, errors.New("both basic auth and a bearer token are set; a request carries only one Authorization header, so set one of them")
	}
	client := &http.Client{}
	if o.client != nil {
		copied := *o.client
		client = &copied
	}
	rt := client.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	switch {
	case basic:
		rt = config.NewBasicAuthRoundTripper(config.NewInlineSecret(o.basicUser), config.NewInlineSecret(o.basicPassword), rt)
	case o.bearerToken != "":
		rt = config.NewAuthorizationCredentialsRoundTripper("Bearer", config.NewInlineSecret(o.bearerToken), rt)
	}
	client.Transport = rt
	if client.Timeout <= 0 {
		client.Timeout = o.timeout
		if client.Timeout <= 0 {
			client.Timeout = DefaultTimeout
		}
	}
	return client, nil
}

// parseHTTPURL checks that raw is an absolute http or https URL and
// returns it with any password redacted, for messages.
func parseHTTPURL(what, raw string) (*url.URL, string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse quotes the input, which may hold a password.
		return nil, "", fmt.Errorf("%s is not a valid URL; write it like http://host:port/path", what)
	}
	redacted := u.Redacted()
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "", fmt.Errorf("%s %s must be an absolute http:// or https:// URL with a host", what, redacted)
	}
	return u, redacted, nil
}

// selection is the tenant an Observe call is about.
type selection struct {
	// user is the user tag as Kafka writes it in metric names.
	user string
	// clientIDs are the wanted client ids, sorted and unique; empty means
	// all.
	clientIDs []string
}

func newSelection(user string, clientIDs []string) (selection, error) {
	if user == "" {
		return selection{}, errors.New("the user name is empty; give the Kafka user whose metrics to read")
	}
	ids := slices.Clone(clientIDs)
	for _, id := range ids {
		if id == "" {
			return selection{}, fmt.Errorf("the client ids of user %s include an empty one; Kafka names no quota metric after an empty client id, so leave it out", user)
		}
	}
	slices.Sort(ids)
	return selection{user: kafkaSanitize(user), clientIDs: slices.Compact(ids)}, nil
}

// userTags returns the users by the tag Kafka writes in metric names,
// refusing an empty user. Kafka's encoding is one to one, so no two users
// share a tag.
func userTags(users []string) (map[string]string, error) {
	tags := make(map[string]string, len(users))
	for _, u := range users {
		sel, err := newSelection(u, nil)
		if err != nil {
			return nil, err
		}
		tags[sel.user] = u
	}
	return tags, nil
}

// usersResult turns per-user collectors into a UsersResult.
func usersResult(collectors map[string]*collector, warnings []string) UsersResult {
	out := UsersResult{Observations: map[string][]tenancy.Observation{}, Warnings: warnings}
	for user, c := range collectors {
		r := c.result()
		out.Warnings = append(out.Warnings, r.Warnings...)
		if len(r.Observations) > 0 {
			out.Observations[user] = r.Observations
		}
	}
	slices.Sort(out.Warnings)
	return out
}

// wantsClient reports whether a series with client id id belongs to the
// selection. A series without a client id has id "".
func (s selection) wantsClient(id string) bool {
	if len(s.clientIDs) == 0 {
		return true
	}
	_, found := slices.BinarySearch(s.clientIDs, id)
	return found
}

// collector combines the series of one Observe call into per-broker
// observations.
type collector struct {
	brokers  map[string]*tenancy.Observation
	warnings []string
}

func newCollector() *collector {
	return &collector{brokers: map[string]*tenancy.Observation{}}
}

// add records one series' value for broker. series describes it for
// warnings. NaN is left out silently: Kafka reports it for an average with
// no samples in its window, which is "not observed". Infinities are left
// out with a warning, as no Kafka rate or time can be infinite.
func (c *collector) add(m observedMetric, broker, series string, v float64) {
	if math.IsNaN(v) {
		return
	}
	if math.IsInf(v, 0) {
		c.warnings = append(c.warnings, fmt.Sprintf("%s on broker %s is %v; left out as no Kafka rate or time can be infinite", series, broker, v))
		return
	}
	o := c.brokers[broker]
	if o == nil {
		o = &tenancy.Observation{Broker: broker}
		c.brokers[broker] = o
	}
	field := m.value(o)
	switch {
	case *field == nil:
		*field = &v
	case m.combine == sum:
		**field += v
	case v > **field:
		**field = v
	}
}

func (c *collector) result() Result {
	r := Result{Warnings: c.warnings}
	for _, o := range c.brokers {
		r.Observations = append(r.Observations, *o)
	}
	slices.SortFunc(r.Observations, func(a, b tenancy.Observation) int { return cmp.Compare(a.Broker, b.Broker) })
	return r
}

// truncate shortens server-provided text for an error message.
func truncate(s string) string {
	s = strings.TrimSpace(s)
	if len(s) <= maxWarningDetail {
		return s
	}
	return s[:maxWarningDetail] + "…"
}

// statusHint says what to check for an HTTP status from a metrics server.
func statusHint(code int) string {
	switch code {
	case http.StatusUnauthorized, http.StatusForbidden:
		return "check the basic auth credentials or bearer token"
	case http.StatusNotFound:
		return "check the URL's path"
	case http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusGatewayTimeout, http.StatusBadGateway:
		return "the server or a proxy in front of it is overloaded or starting; try again"
	}
	return "check the URL and the server's logs"
}

// requestError explains an error from sending a request to what (a URL
// already redacted), naming the timeout when it was hit. The error chain
// is kept for errors.Is.
func requestError(what string, timeout time.Duration, err error) error {
	switch {
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("reading %s was cancelled: %w", what, err)
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return fmt.Errorf("%s did not answer within the timeout (%s per request, or the caller's deadline); check that it is reachable and not overloaded: %w", what, timeout, err)
	}
	return fmt.Errorf("cannot reach %s; check the URL and that the server is reachable from where Terraform runs: %w", what, err)
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
