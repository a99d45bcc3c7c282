package validators_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/validators"
)

// wantDiag describes one expected diagnostic.
type wantDiag struct {
	severity diag.Severity
	path     path.Path
	summary  string
	// detail lists substrings of the detail.
	detail []string
}

// checkDiags asserts that got holds exactly want, in order.
func checkDiags(t *testing.T, got diag.Diagnostics, want ...wantDiag) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d diagnostics, want %d: %v", len(got), len(want), got)
	}
	for i, w := range want {
		d := got[i]
		if d.Severity() != w.severity || d.Summary() != w.summary {
			t.Errorf("diagnostic %d = %s %q, want %s %q", i, d.Severity(), d.Summary(), w.severity, w.summary)
		}
		wp, ok := d.(diag.DiagnosticWithPath)
		if !ok || !wp.Path().Equal(w.path) {
			t.Errorf("diagnostic %d is not at %s: %v", i, w.path, d)
		}
		for _, s := range w.detail {
			if !strings.Contains(d.Detail(), s) {
				t.Errorf("diagnostic %d detail %q lacks %q", i, d.Detail(), s)
			}
		}
	}
}

func validateTopicName(v types.String) diag.Diagnostics {
	req := validator.StringRequest{Path: path.Root("name"), ConfigValue: v}
	var resp validator.StringResponse
	validators.TopicName().ValidateString(context.Background(), req, &resp)
	return resp.Diagnostics
}

func TestTopicName(t *testing.T) {
	nameErr := func(detail ...string) wantDiag {
		return wantDiag{severity: diag.SeverityError, path: path.Root("name"), summary: "Invalid Topic Name", detail: detail}
	}
	cases := []struct {
		name string
		in   types.String
		want []wantDiag
	}{
		{name: "simple", in: types.StringValue("orders")},
		{name: "every legal character", in: types.StringValue("Team-A.orders-V2")},
		{name: "249 characters", in: types.StringValue(strings.Repeat("a", 249))},
		{name: "null is skipped", in: types.StringNull()},
		{name: "unknown is skipped", in: types.StringUnknown()},
		{name: "empty", in: types.StringValue(""), want: []wantDiag{nameErr("a topic name cannot be empty")}},
		{name: "dot", in: types.StringValue("."), want: []wantDiag{nameErr(`"." is reserved`)}},
		{name: "dot dot", in: types.StringValue(".."), want: []wantDiag{nameErr(`".." is reserved`)}},
		{name: "250 characters", in: types.StringValue(strings.Repeat("a", 250)),
			want: []wantDiag{nameErr("the name is 250 characters long and Kafka allows at most 249")}},
		{name: "illegal characters listed once each", in: types.StringValue("team a/orders b"),
			want: []wantDiag{nameErr(`the name contains ' ', '/'; Kafka allows only ASCII letters, digits, '.', '_' and '-'`)}},
		{name: "non-ASCII", in: types.StringValue("tópico"),
			want: []wantDiag{nameErr(`the name contains 'ó'`)}},
		// A long name of illegal characters is reported for its
		// characters: its byte length would overstate its length.
		{name: "long non-ASCII", in: types.StringValue(strings.Repeat("é", 200)),
			want: []wantDiag{nameErr(`the name contains 'é'`)}},
		{name: "dot and underscore warn", in: types.StringValue("team_a.orders"),
			want: []wantDiag{{severity: diag.SeverityWarning, path: path.Root("name"), summary: "Topic Name Mixes '.' and '_'",
				detail: []string{`"team_a.orders" uses both '.' and '_'`, "collide"}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkDiags(t, validateTopicName(tc.in), tc.want...)
		})
	}
}

func TestTopicNameProblem(t *testing.T) {
	if p := validators.TopicNameProblem("ok.name"); p != "" {
		t.Errorf("TopicNameProblem(legal) = %q", p)
	}
	if p := validators.TopicNameProblem("a*b*c"); p != `the name contains '*'; Kafka allows only ASCII letters, digits, '.', '_' and '-'` {
		t.Errorf("TopicNameProblem(a*b*c) = %q", p)
	}
}

func validateHostPorts(v types.List) diag.Diagnostics {
	req := validator.ListRequest{Path: path.Root("bootstrap_servers"), ConfigValue: v}
	var resp validator.ListResponse
	validators.HostPorts().ValidateList(context.Background(), req, &resp)
	return resp.Diagnostics
}

func TestHostPorts(t *testing.T) {
	at := func(i int, detail ...string) wantDiag {
		return wantDiag{severity: diag.SeverityError, path: path.Root("bootstrap_servers").AtListIndex(i), summary: "Invalid Broker Address", detail: detail}
	}
	list := func(elems ...attr.Value) types.List { return types.ListValueMust(types.StringType, elems) }
	s := types.StringValue
	cases := []struct {
		name string
		in   types.List
		want []wantDiag
	}{
		{name: "valid", in: list(s("localhost:9092"), s("broker-1.example.com:9093"), s("10.0.0.1:1"), s("[::1]:65535"))},
		{name: "null list", in: types.ListNull(types.StringType)},
		{name: "unknown list", in: types.ListUnknown(types.StringType)},
		{name: "unknown element", in: list(s("b:9092"), types.StringUnknown())},
		{name: "no port", in: list(s("b:9092"), s("broker")), want: []wantDiag{at(1, `"broker" is not usable: it has no port`, "host:port")}},
		{name: "empty host", in: list(s(":9092")), want: []wantDiag{at(0, "the host is empty")}},
		{name: "port zero", in: list(s("b:0")), want: []wantDiag{at(0, `the port "0" is not a number from 1 to 65535`)}},
		{name: "port too high", in: list(s("b:65536")), want: []wantDiag{at(0, `the port "65536"`)}},
		{name: "port not a number", in: list(s("b:kafka")), want: []wantDiag{at(0, `the port "kafka"`)}},
		{name: "each bad element", in: list(s("a"), s("b:1"), s("c:-1")), want: []wantDiag{at(0, "no port"), at(2, `the port "-1"`)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkDiags(t, validateHostPorts(tc.in), tc.want...)
		})
	}
}

func TestDuration(t *testing.T) {
	bad := func(detail string) []wantDiag {
		return []wantDiag{{severity: diag.SeverityError, path: path.Root("timeout"), summary: "Invalid Duration", detail: []string{detail}}}
	}
	cases := []struct {
		in   types.String
		want []wantDiag
	}{
		{in: types.StringValue("30s")},
		{in: types.StringValue("1m30s")},
		{in: types.StringValue("250ms")},
		{in: types.StringNull()},
		{in: types.StringUnknown()},
		{in: types.StringValue("30"), want: bad(`The value "30" is not a positive Go duration`)},
		{in: types.StringValue("0s"), want: bad(`"0s" is not a positive`)},
		{in: types.StringValue("-5s"), want: bad(`"-5s" is not a positive`)},
		{in: types.StringValue("thirty seconds"), want: bad("such as \"30s\"")},
		{in: types.StringValue(""), want: bad(`The value ""`)},
	}
	for _, tc := range cases {
		t.Run(tc.in.String(), func(t *testing.T) {
			req := validator.StringRequest{Path: path.Root("timeout"), ConfigValue: tc.in}
			var resp validator.StringResponse
			validators.Duration().ValidateString(context.Background(), req, &resp)
			checkDiags(t, resp.Diagnostics, tc.want...)
		})
	}
}

// The provider's timeout must lie in the range franz-go accepts; the
// message names the range so the fix needs no documentation.
func TestDurationBetween(t *testing.T) {
	bad := func(detail ...string) []wantDiag {
		return []wantDiag{{severity: diag.SeverityError, path: path.Root("timeout"), summary: "Invalid Duration", detail: detail}}
	}
	cases := []struct {
		in   types.String
		want []wantDiag
	}{
		{in: types.StringValue("1s")},
		{in: types.StringValue("30s")},
		{in: types.StringValue("15m")},
		{in: types.StringValue("14m59s")},
		{in: types.StringNull()},
		{in: types.StringUnknown()},
		{in: types.StringValue("50ms"), want: bad(`The value "50ms" is outside the range the Kafka client accepts: use a duration from 1s to 15m, such as "30s"`)},
		{in: types.StringValue("999ms"), want: bad(`"999ms" is outside the range`, "from 1s to 15m")},
		{in: types.StringValue("15m1s"), want: bad(`"15m1s" is outside the range`)},
		{in: types.StringValue("20m"), want: bad(`"20m" is outside the range`, "from 1s to 15m")},
		{in: types.StringValue("1000000h"), want: bad(`"1000000h" is outside the range`)},
		{in: types.StringValue("0s"), want: bad(`"0s" is outside the range`)},
		{in: types.StringValue("-5s"), want: bad(`"-5s" is outside the range`)},
		{in: types.StringValue("30"), want: bad(`The value "30" is not a Go duration: use a number with a unit from 1s to 15m`)},
		{in: types.StringValue("99999999999999999999h"), want: bad(`is not a Go duration`)},
	}
	for _, tc := range cases {
		t.Run(tc.in.String(), func(t *testing.T) {
			req := validator.StringRequest{Path: path.Root("timeout"), ConfigValue: tc.in}
			var resp validator.StringResponse
			validators.DurationBetween(time.Second, 15*time.Minute).ValidateString(context.Background(), req, &resp)
			checkDiags(t, resp.Diagnostics, tc.want...)
		})
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Second: "1s", 15 * time.Minute: "15m", 2 * time.Hour: "2h", 90 * time.Second: "1m30s", 1500 * time.Millisecond: "1.5s",
	} {
		if got := validators.ShortDuration(d); got != want {
			t.Errorf("ShortDuration(%s) = %q, want %q", d, got, want)
		}
	}
}

func validateTopicConfig(v types.Map) diag.Diagnostics {
	req := validator.MapRequest{Path: path.Root("config"), ConfigValue: v}
	var resp validator.MapResponse
	validators.TopicConfig().ValidateMap(context.Background(), req, &resp)
	return resp.Diagnostics
}

func TestTopicConfig(t *testing.T) {
	cfg := func(m map[string]attr.Value) types.Map { return types.MapValueMust(types.StringType, m) }
	s := types.StringValue
	unknownKey := func(key string, detail ...string) wantDiag {
		return wantDiag{severity: diag.SeverityError, path: path.Root("config").AtMapKey(key), summary: "Unknown Topic Config", detail: detail}
	}
	badValue := func(key string, detail ...string) wantDiag {
		return wantDiag{severity: diag.SeverityError, path: path.Root("config").AtMapKey(key), summary: "Invalid Topic Config Value", detail: detail}
	}
	cases := []struct {
		name string
		in   types.Map
		want []wantDiag
	}{
		{name: "valid", in: cfg(map[string]attr.Value{"retention.ms": s("3600000"), "cleanup.policy": s("compact,delete")})},
		{name: "null map", in: types.MapNull(types.StringType)},
		{name: "unknown map", in: types.MapUnknown(types.StringType)},
		{name: "unknown value skipped", in: cfg(map[string]attr.Value{"retention.ms": types.StringUnknown()})},
		{name: "unknown key suggests", in: cfg(map[string]attr.Value{"retention.mss": s("1")}),
			want: []wantDiag{unknownKey("retention.mss", `did you mean "retention.ms"`, "kafka.apache.org/documentation/#topicconfigs")}},
		// A key far from every Apache key may be one the brokers know
		// (Redpanda's write.caching): the topic's plan asks them.
		{name: "unknown key far from any is left to the plan", in: cfg(map[string]attr.Value{"zzzzzzzzzzzzzzzzzzzzzz": s("1")})},
		{name: "vendor keys are left to the plan", in: cfg(map[string]attr.Value{
			"confluent.placement.constraints": s(`{"version":1}`), "redpanda.remote.read": s("true"), "confluent.tier.enable": s("yes"),
		})},
		{name: "near miss of an Apache key", in: cfg(map[string]attr.Value{"retention.msec": s("1000")}),
			want: []wantDiag{unknownKey("retention.msec", `did you mean "retention.ms"`)}},
		{name: "unknown key with an unknown value still reported", in: cfg(map[string]attr.Value{"retention.mss": types.StringUnknown()}),
			want: []wantDiag{unknownKey("retention.mss", `did you mean "retention.ms"`)}},
		{name: "bad value names the key", in: cfg(map[string]attr.Value{"retention.ms": s("forever")}),
			want: []wantDiag{badValue("retention.ms", `The topic config "retention.ms" is invalid: value "forever" is not a whole number`)}},
		{name: "out of range", in: cfg(map[string]attr.Value{"min.cleanable.dirty.ratio": s("2")}),
			want: []wantDiag{badValue("min.cleanable.dirty.ratio", "between 0 and 1")}},
		// Keys are reported in alphabetical order so output is stable.
		{name: "several errors sorted by key", in: cfg(map[string]attr.Value{
			"segment.bytes": s("1"), "cleanup.policy": s("archive"), "retention.mss": s("1"), "retention.ms": s("1000"),
		}), want: []wantDiag{
			badValue("cleanup.policy", `value "archive" is not allowed`),
			unknownKey("retention.mss", `did you mean "retention.ms"`),
			badValue("segment.bytes", "at least 1048576"),
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkDiags(t, validateTopicConfig(tc.in), tc.want...)
		})
	}
}

func TestHostPortProblem(t *testing.T) {
	if p := validators.HostPortProblem("localhost:9092"); p != "" {
		t.Errorf("HostPortProblem(localhost:9092) = %q", p)
	}
	if p := validators.HostPortProblem("localhost"); p != "it has no port" {
		t.Errorf("HostPortProblem(localhost) = %q", p)
	}
}

// Descriptions are shown in docs and by language servers; each validator
// must describe its rule.
func TestDescriptions(t *testing.T) {
	ctx := context.Background()
	for name, d := range map[string]interface {
		Description(context.Context) string
		MarkdownDescription(context.Context) string
	}{
		"TopicName":   validators.TopicName(),
		"TopicConfig": validators.TopicConfig(),
		"HostPorts":   validators.HostPorts(),
		"Duration":    validators.Duration(),
		"Between":     validators.DurationBetween(time.Second, time.Minute),
	} {
		if d.Description(ctx) == "" || d.MarkdownDescription(ctx) == "" {
			t.Errorf("%s has an empty description", name)
		}
	}
}
