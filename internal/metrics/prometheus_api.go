package metrics

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	"golang.org/x/sync/errgroup"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// PrometheusAPI reads a tenant's quota metrics with instant queries
// against a Prometheus server's HTTP API (/api/v1/query), one query per
// metric, run in parallel. It is safe for concurrent use.
type PrometheusAPI struct {
	api     v1.API
	names   Names
	target  string // "Prometheus at <redacted URL>", for messages
	timeout time.Duration
}

// NewPrometheusAPI returns a Source that queries the Prometheus server at
// baseURL, the URL its web UI answers on (such as http://prometheus:9090,
// or with a path prefix when Prometheus runs with --web.route-prefix),
// without /api/v1. Empty fields of names take their DefaultNames value.
// It checks its arguments without contacting the server.
func NewPrometheusAPI(baseURL string, names Names, opts ...Option) (*PrometheusAPI, error) {
	u, redacted, err := parseHTTPURL("the Prometheus URL", baseURL)
	if err != nil {
		return nil, err
	}
	if strings.Contains(u.Path, "/api/v1") {
		return nil, fmt.Errorf("the Prometheus URL %s includes /api/v1; give the server's base URL, such as http://prometheus:9090", redacted)
	}
	names = names.withDefaults()
	if err := names.Validate(); err != nil {
		return nil, fmt.Errorf("metric names for Prometheus at %s: %w", redacted, err)
	}
	client, err := newHTTPClient(opts)
	if err != nil {
		return nil, fmt.Errorf("the client for Prometheus at %s: %w", redacted, err)
	}
	c, err := api.NewClient(api.Config{Address: u.String(), Client: client})
	if err != nil {
		return nil, fmt.Errorf("the client for Prometheus at %s: %w", redacted, err)
	}
	return &PrometheusAPI{api: v1.NewAPI(c), names: names, target: "Prometheus at " + redacted, timeout: client.Timeout}, nil
}

// Observe implements Source. A query's own error fails the call; the
// server's warnings (such as partial data from a remote store) are
// returned in Result.Warnings.
func (p *PrometheusAPI) Observe(ctx context.Context, user string, clientIDs []string) (Result, error) {
	sel, err := newSelection(user, clientIDs)
	if err != nil {
		return Result{}, err
	}
	queries := make([]string, len(observed))
	for i, m := range observed {
		queries[i] = p.query(m, sel)
	}
	vectors, warnings, err := p.run(ctx, queries)
	if err != nil {
		return Result{}, err
	}
	c := newCollector()
	c.warnings = warnings
	for i, m := range observed {
		for _, s := range vectors[i] {
			broker, err := p.broker(s)
			if err != nil {
				return Result{}, err
			}
			c.add(m, broker, s.Metric.String(), float64(s.Value))
		}
	}
	return c.result(), nil
}

// ObserveUsers implements Source with one query per metric for every user
// together, selecting the users by one regular expression of literal
// alternatives. With a window, each query is a subquery at the server's
// default resolution that takes, per user and broker, the highest over the
// window of the sum of the user's rates (the highest throttle time, for
// throttle times):
//
//	max_over_time(sum by (user, instance) (kafka_server_produce_byte_rate{user=~"a|b"})[1h:])
func (p *PrometheusAPI) ObserveUsers(ctx context.Context, users []string, window time.Duration) (UsersResult, error) {
	tags, err := userTags(users)
	if err != nil {
		return UsersResult{}, err
	}
	if len(tags) == 0 {
		return UsersResult{Observations: map[string][]tenancy.Observation{}}, nil
	}
	if window < 0 || window%time.Millisecond != 0 {
		return UsersResult{}, fmt.Errorf("the window %s must be a positive whole number of milliseconds, or zero for present values", window)
	}
	alternatives := make([]string, 0, len(tags))
	for tag := range tags {
		alternatives = append(alternatives, regexp.QuoteMeta(tag))
	}
	slices.Sort(alternatives)
	queries := make([]string, len(observed))
	for i, m := range observed {
		matchers := []string{p.names.UserLabel + "=~" + strconv.Quote(strings.Join(alternatives, "|"))}
		if p.names.RequestTypeLabel != "" {
			matchers = append(matchers, p.names.RequestTypeLabel+"="+strconv.Quote(m.requestType))
		}
		queries[i] = m.name(p.names) + "{" + strings.Join(matchers, ", ") + "}"
		if window > 0 {
			agg := "sum"
			if m.combine == highest {
				agg = "max"
			}
			queries[i] = fmt.Sprintf("max_over_time(%s by (%s, %s) (%s)[%s:])", agg, p.names.UserLabel, p.names.BrokerLabel, queries[i], model.Duration(window))
		}
	}
	vectors, warnings, err := p.run(ctx, queries)
	if err != nil {
		return UsersResult{}, err
	}
	collectors := map[string]*collector{}
	for i, m := range observed {
		for _, s := range vectors[i] {
			user, ok := tags[string(s.Metric[model.LabelName(p.names.UserLabel)])]
			if !ok {
				continue
			}
			broker, err := p.broker(s)
			if err != nil {
				return UsersResult{}, err
			}
			if collectors[user] == nil {
				collectors[user] = newCollector()
			}
			collectors[user].add(m, broker, s.Metric.String(), float64(s.Value))
		}
	}
	return usersResult(collectors, warnings), nil
}

// run sends the queries, queries[i] being about observed[i], in parallel
// and returns their instant vectors in order and the server's warnings,
// naming the metric each is about.
func (p *PrometheusAPI) run(ctx context.Context, queries []string) ([]model.Vector, []string, error) {
	vectors := make([]model.Vector, len(queries))
	warnings := make([]v1.Warnings, len(queries))
	g, gctx := errgroup.WithContext(ctx)
	for i, query := range queries {
		g.Go(func() error {
			// A zero time lets the server use its own clock, so the
			// caller's clock skew cannot push the query past the
			// lookback window.
			value, warns, _, err := p.api.Query(gctx, query, time.Time{})
			// Infos (the third result) are hints about the PromQL, such
			// as a gauge used like a counter, not about the data: they do
			// not concern the operator.
			warnings[i] = warns
			if err != nil {
				return p.queryError(query, err)
			}
			vector, ok := value.(model.Vector)
			if !ok {
				return fmt.Errorf("%s answered the query %s with a %s instead of an instant vector; check that the URL points at a Prometheus-compatible API", p.target, query, value.Type())
			}
			vectors[i] = vector
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	var out []string
	for i, m := range observed[:len(queries)] {
		for _, w := range warnings[i] {
			out = append(out, fmt.Sprintf("%s warned about %s: %s", p.target, m.name(p.names), truncate(w)))
		}
	}
	return vectors, out, nil
}

// broker returns the broker a series is from, by the broker label.
func (p *PrometheusAPI) broker(s *model.Sample) (string, error) {
	broker, ok := s.Metric[model.LabelName(p.names.BrokerLabel)]
	if !ok || broker == "" {
		return "", fmt.Errorf("the series %s from %s has no %s label, so its broker is unknown; set the broker label to the label that names each broker's scrape target", s.Metric, p.target, p.names.BrokerLabel)
	}
	return string(broker), nil
}

// query returns the PromQL selector for m and the selection: the metric,
// the user, the client ids as one regular expression of literal
// alternatives, and the request type when names carry it in a label.
// Label values are quoted with Go's rules, which PromQL shares.
func (p *PrometheusAPI) query(m observedMetric, sel selection) string {
	matchers := []string{p.names.UserLabel + "=" + strconv.Quote(sel.user)}
	switch len(sel.clientIDs) {
	case 0:
	case 1:
		matchers = append(matchers, p.names.ClientIDLabel+"="+strconv.Quote(sel.clientIDs[0]))
	default:
		alternatives := make([]string, len(sel.clientIDs))
		for i, id := range sel.clientIDs {
			alternatives[i] = regexp.QuoteMeta(id)
		}
		// Prometheus anchors the expression at both ends.
		matchers = append(matchers, p.names.ClientIDLabel+"=~"+strconv.Quote(strings.Join(alternatives, "|")))
	}
	if p.names.RequestTypeLabel != "" {
		matchers = append(matchers, p.names.RequestTypeLabel+"="+strconv.Quote(m.requestType))
	}
	return m.name(p.names) + "{" + strings.Join(matchers, ", ") + "}"
}

// queryError explains a failed query and what to check.
func (p *PrometheusAPI) queryError(query string, err error) error {
	var apiErr *v1.Error
	if !errors.As(err, &apiErr) {
		return requestError(p.target, p.timeout, err)
	}
	detail := ""
	if apiErr.Detail != "" {
		detail = " (" + truncate(apiErr.Detail) + ")"
	}
	switch apiErr.Type {
	case v1.ErrBadData:
		return fmt.Errorf("%s rejected the query %s; check the metric and label names: %w", p.target, query, err)
	case v1.ErrBadResponse:
		return fmt.Errorf("%s answered the query %s with something other than a Prometheus API response%s; check that the URL is the base URL of a Prometheus server: %w", p.target, query, detail, err)
	case v1.ErrClient, v1.ErrServer:
		// The client reports HTTP failures outside the API's own error
		// format as "client error: <code>" or "server error: <code>".
		var code int
		if _, scanErr := fmt.Sscanf(apiErr.Msg[strings.LastIndex(apiErr.Msg, ":")+1:], "%d", &code); scanErr == nil && code != 0 {
			hint := statusHint(code)
			if code == http.StatusNotFound {
				hint = "check that the URL is the base URL of a Prometheus server, such as http://prometheus:9090"
			}
			return fmt.Errorf("%s answered HTTP %d %s to the query %s%s; %s: %w", p.target, code, http.StatusText(code), query, detail, hint, err)
		}
	}
	return fmt.Errorf("%s failed the query %s%s; check the server's logs: %w", p.target, query, detail, err)
}
