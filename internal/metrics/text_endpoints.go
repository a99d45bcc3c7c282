package metrics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"golang.org/x/sync/errgroup"
)

// MaxExpositionBytes caps how much of one endpoint's exposition
// TextEndpoints reads. A broker's JMX exporter with per-partition metrics
// serves a few megabytes; far more means the URL points elsewhere.
const MaxExpositionBytes = 64 << 20

// acceptHeader asks for the classic text format first, then delimited
// protobuf; expfmt decodes both completely. OpenMetrics is not asked for:
// prometheus/common v0.72 decodes it with the text parser, which reads
// OpenMetrics gauges but rejects its "unknown" (untyped) families, and the
// release with a real OpenMetrics parser (v0.73) needs a module the Go
// module proxy does not serve. An exporter that sends OpenMetrics anyway
// is read as far as that parser can, or fails with a parse error that
// names the format.
var acceptHeader = strings.Join([]string{
	string(expfmt.NewFormat(expfmt.TypeTextPlain)),
	string(expfmt.NewFormat(expfmt.TypeProtoDelim)) + ";q=0.5",
	"*/*;q=0.1",
}, ",")

// TextEndpoints reads a tenant's quota metrics straight from each broker's
// exporter (the JMX exporter's /metrics), in the Prometheus text or
// protobuf format, without a Prometheus server; OpenMetrics gauges are
// read too (see acceptHeader). It is safe for concurrent use.
type TextEndpoints struct {
	client    *http.Client
	endpoints []endpoint
	names     Names
}

type endpoint struct {
	url      string
	redacted string
}

// NewTextEndpoints returns a Source that fetches every URL in urls, one per
// broker, on each Observe. A series' broker is its BrokerLabel when the
// exposition carries one (as a federation endpoint does) and otherwise the
// URL, with any password redacted. Empty fields of names take their
// DefaultNames value. It checks its arguments without contacting the
// endpoints.
func NewTextEndpoints(urls []string, names Names, opts ...Option) (*TextEndpoints, error) {
	if len(urls) == 0 {
		return nil, errors.New("no metrics endpoint URLs are given; list one per broker, such as http://broker-1:7071/metrics")
	}
	t := &TextEndpoints{names: names.withDefaults()}
	seen := map[string]bool{}
	for _, raw := range urls {
		u, redacted, err := parseHTTPURL("the metrics endpoint URL", raw)
		if err != nil {
			return nil, err
		}
		if seen[u.String()] {
			return nil, fmt.Errorf("the metrics endpoint %s is listed twice; each broker's endpoint must appear once, or its traffic counts twice", redacted)
		}
		seen[u.String()] = true
		t.endpoints = append(t.endpoints, endpoint{url: u.String(), redacted: redacted})
	}
	if err := t.names.Validate(); err != nil {
		return nil, fmt.Errorf("metric names for the metrics endpoints: %w", err)
	}
	client, err := newHTTPClient(opts)
	if err != nil {
		return nil, fmt.Errorf("the client for the metrics endpoints: %w", err)
	}
	t.client = client
	return t, nil
}

// Observe implements Source. Every endpoint must answer: a broker left out
// could be the one throttling the tenant, so one failure fails the call.
func (t *TextEndpoints) Observe(ctx context.Context, user string, clientIDs []string) (Result, error) {
	sel, err := newSelection(user, clientIDs)
	if err != nil {
		return Result{}, err
	}
	families, err := t.fetchAll(ctx)
	if err != nil {
		return Result{}, err
	}
	c := newCollector()
	for i, e := range t.endpoints {
		if err := t.collect(c, e, families[i], sel); err != nil {
			return Result{}, err
		}
	}
	return c.result(), nil
}

// ObserveUsers implements Source, fetching every endpoint once for all
// users. The endpoints serve the present values only, Kafka's own rates
// over its quota window (quota.window.num × quota.window.size.seconds, 11
// seconds by default), so a window above zero is refused: it needs a
// Prometheus server that kept the history.
func (t *TextEndpoints) ObserveUsers(ctx context.Context, users []string, window time.Duration) (UsersResult, error) {
	if window != 0 {
		return UsersResult{}, fmt.Errorf("the metrics endpoints serve only present values, so they cannot report the highest over a window of %s; read a Prometheus server for that", window)
	}
	tags, err := userTags(users)
	if err != nil {
		return UsersResult{}, err
	}
	families, err := t.fetchAll(ctx)
	if err != nil {
		return UsersResult{}, err
	}
	collectors := map[string]*collector{}
	for tag, user := range tags {
		c := newCollector()
		for i, e := range t.endpoints {
			if err := t.collect(c, e, families[i], selection{user: tag}); err != nil {
				return UsersResult{}, err
			}
		}
		collectors[user] = c
	}
	return usersResult(collectors, nil), nil
}

// fetchAll fetches every endpoint at once.
func (t *TextEndpoints) fetchAll(ctx context.Context) ([]map[string]*dto.MetricFamily, error) {
	families := make([]map[string]*dto.MetricFamily, len(t.endpoints))
	g, gctx := errgroup.WithContext(ctx)
	for i, e := range t.endpoints {
		g.Go(func() error {
			fams, err := t.fetch(gctx, e)
			families[i] = fams
			return err
		})
	}
	return families, g.Wait()
}

// fetch reads and decodes one endpoint's exposition, keeping only the
// families Names refers to.
func (t *TextEndpoints) fetch(ctx context.Context, e endpoint) (map[string]*dto.MetricFamily, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.url, nil)
	if err != nil {
		return nil, fmt.Errorf("building the request for %s: %w", e.redacted, err)
	}
	req.Header.Set("Accept", acceptHeader)
	resp, err := t.client.Do(req)
	if err != nil {
		return nil, requestError("the metrics endpoint "+e.redacted, t.client.Timeout, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxWarningDetail))
		return nil, fmt.Errorf("the metrics endpoint %s answered HTTP %s (%s); %s", e.redacted, resp.Status, truncate(string(body)), statusHint(resp.StatusCode))
	}
	format, err := responseFormat(resp.Header)
	if err != nil {
		return nil, fmt.Errorf("the metrics endpoint %s %w; check that the URL is a Prometheus exporter's metrics path, such as http://broker-1:7071/metrics", e.redacted, err)
	}

	// Read one byte past the cap to tell a full-size exposition from a
	// cut one.
	body := &io.LimitedReader{R: resp.Body, N: MaxExpositionBytes + 1}
	wanted := t.familyNames()
	fams := map[string]*dto.MetricFamily{}
	dec := expfmt.NewDecoder(body, format)
	for {
		mf := &dto.MetricFamily{}
		err := dec.Decode(mf)
		if errors.Is(err, io.EOF) {
			break
		}
		if body.N == 0 {
			return nil, fmt.Errorf("the metrics endpoint %s serves more than %d MiB; check that the URL is one broker's exporter", e.redacted, MaxExpositionBytes>>20)
		}
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return nil, requestError("the metrics endpoint "+e.redacted, t.client.Timeout, ctxErr)
			}
			if isTimeout(err) {
				return nil, requestError("the metrics endpoint "+e.redacted, t.client.Timeout, err)
			}
			return nil, fmt.Errorf("the metrics endpoint %s serves an exposition that cannot be parsed as %s; check that the URL is a Prometheus exporter's metrics path: %w", e.redacted, formatName(format), err)
		}
		if slices.Contains(wanted, mf.GetName()) {
			fams[mf.GetName()] = mf
		}
	}
	return fams, nil
}

// responseFormat returns the exposition format of a response, refusing
// content that is plainly not an exposition (such as an HTML login page).
func responseFormat(h http.Header) (expfmt.Format, error) {
	format := expfmt.ResponseFormat(h)
	if format != expfmt.FmtUnknown {
		return format, nil
	}
	ct := h.Get("Content-Type")
	if ct == "" {
		return expfmt.NewFormat(expfmt.TypeTextPlain), nil
	}
	media, _, err := mime.ParseMediaType(ct)
	switch {
	case err == nil && media == expfmt.OpenMetricsType:
		// This expfmt release leaves OpenMetrics out of ResponseFormat;
		// its decoder reads it with the text parser (see acceptHeader).
		return expfmt.Format(ct), nil
	case err == nil && media == "text/plain":
		// Another version parameter: the text parser is the best guess,
		// and a parse error will say if it was wrong.
		return expfmt.NewFormat(expfmt.TypeTextPlain), nil
	}
	return "", fmt.Errorf("answered with Content-Type %q, not a Prometheus exposition format", ct)
}

// formatName names an exposition format for messages.
func formatName(f expfmt.Format) string {
	switch f.FormatType() {
	case expfmt.TypeOpenMetrics:
		return "OpenMetrics"
	case expfmt.TypeProtoDelim:
		return "the Prometheus protobuf format"
	}
	return "the Prometheus text format"
}

// familyNames lists the metric names Names refers to.
func (t *TextEndpoints) familyNames() []string {
	var names []string
	for _, m := range observed {
		names = append(names, m.name(t.names))
	}
	return names
}

// collect adds the selected series of one endpoint to c.
func (t *TextEndpoints) collect(c *collector, e endpoint, fams map[string]*dto.MetricFamily, sel selection) error {
	for _, m := range observed {
		mf := fams[m.name(t.names)]
		if mf == nil {
			continue
		}
		switch mf.GetType() {
		case dto.MetricType_GAUGE, dto.MetricType_UNTYPED:
		default:
			return fmt.Errorf("the metrics endpoint %s serves %s as a %s, not a gauge; check that %s names the gauge of the JMX exporter rule for Kafka's %s MBeans", e.redacted, mf.GetName(), strings.ToLower(mf.GetType().String()), m.field, m.requestType)
		}
		for _, metric := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range metric.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels[t.names.UserLabel] != sel.user || !sel.wantsClient(labels[t.names.ClientIDLabel]) {
				continue
			}
			if t.names.RequestTypeLabel != "" && labels[t.names.RequestTypeLabel] != m.requestType {
				continue
			}
			broker := labels[t.names.BrokerLabel]
			if broker == "" {
				broker = e.redacted
			}
			value := metric.GetUntyped().GetValue()
			if mf.GetType() == dto.MetricType_GAUGE {
				value = metric.GetGauge().GetValue()
			}
			c.add(m, broker, seriesString(mf.GetName(), metric), value)
		}
	}
	return nil
}

// seriesString writes a series as name{label="value",...} for warnings.
func seriesString(name string, m *dto.Metric) string {
	parts := make([]string, 0, len(m.GetLabel()))
	for _, l := range m.GetLabel() {
		parts = append(parts, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
	}
	return name + "{" + strings.Join(parts, ", ") + "}"
}
