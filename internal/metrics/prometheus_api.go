package metrics

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	"golang.org/x/sync/errgroup"
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
	vectors := make([]model.Vector, len(observed))
	warnings := make([]v1.Warnings, len(observed))
	g, gctx := errgroup.WithContext(ctx)
	for i, m := range observed {
		query := p.query(m, sel)
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
		return Result{}, err
	}

	c := newCollector()
	for i, m := range observed {
		for _, w := range warnings[i] {
			c.warnings = append(c.warnings, fmt.Sprintf("%s warned about %s: %s", p.target, m.name(p.names), truncate(w)))
		}
		for _, s := range vectors[i] {
			broker, ok := s.Metric[model.LabelName(p.names.BrokerLabel)]
			if !ok || broker == "" {
				return Result{}, fmt.Errorf("the series %s from %s has no %s label, so its broker is unknown; set the broker label to the label that names each broker's scrape target", s.Metric, p.target, p.names.BrokerLabel)
			}
			c.add(m, string(broker), s.Metric.String(), float64(s.Value))
		}
	}
	return c.result(), nil
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
