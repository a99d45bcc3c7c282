package metrics

import "testing"

func TestNames_Validate(t *testing.T) {
	tests := []struct {
		name  string
		names Names
		want  []string // parts of the error; none means valid
	}{
		{name: "defaults", names: DefaultNames()},
		{name: "JMX exporter example", names: JMXExporterExampleNames()},
		{name: "zero value takes the defaults", names: Names{}},
		{name: "one override", names: Names{BrokerLabel: "kafka_broker_id"}},
		{name: "colons in metric names", names: Names{ProduceByteRate: "kafka:server:produce_byte_rate"}},
		{
			name:  "dots and dashes as in MBean names",
			names: Names{ProduceByteRate: "kafka.server.produce.byte-rate", ClientIDLabel: "client-id"},
			want: []string{
				`ProduceByteRate "kafka.server.produce.byte-rate" is not a valid Prometheus metric name`,
				`ClientIDLabel "client-id" is not a valid Prometheus label name`,
			},
		},
		{
			name:  "leading digit",
			names: Names{FetchThrottleTime: "9kafka", UserLabel: "1user"},
			want:  []string{`FetchThrottleTime "9kafka"`, `UserLabel "1user"`},
		},
		{
			name:  "colliding labels",
			names: Names{ClientIDLabel: "user"},
			want:  []string{`ClientIDLabel and UserLabel are both "user"; each must be a different label`},
		},
		{
			name:  "the metric name label",
			names: Names{BrokerLabel: "__name__"},
			want:  []string{`BrokerLabel "__name__" is the metric name, not a label`},
		},
		{
			name:  "shared metric names without a request type label",
			names: Names{FetchByteRate: "kafka_server_produce_byte_rate"},
			want:  []string{`ProduceByteRate and FetchByteRate are both "kafka_server_produce_byte_rate"; without RequestTypeLabel each must be a different metric`},
		},
		{
			name:  "a request type label that is not a label name",
			names: Names{RequestTypeLabel: "request type"},
			want:  []string{`RequestTypeLabel "request type" is not a valid Prometheus label name`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.names.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			wantAll(t, err, tc.want)
		})
	}
}

func TestNames_withDefaults(t *testing.T) {
	got := Names{BrokerLabel: "broker_id", RequestTime: "kafka_request_time"}.withDefaults()
	want := DefaultNames()
	want.BrokerLabel, want.RequestTime = "broker_id", "kafka_request_time"
	if got != want {
		t.Errorf("withDefaults() = %+v, want %+v", got, want)
	}
	if got := JMXExporterExampleNames().withDefaults(); got != JMXExporterExampleNames() {
		t.Errorf("withDefaults changed a complete Names: %+v", got)
	}
}

// TestKafkaSanitize checks the user tag against what Kafka's
// Sanitizer.sanitize (URLEncoder, then '*' and '+' rewritten) produces.
func TestKafkaSanitize(t *testing.T) {
	tests := map[string]string{
		"team-a.orders":           "team-a.orders",
		"svc_01":                  "svc_01",
		"search@team-b":           "search%40team-b",
		"CN=app,O=Example Corp":   "CN%3Dapp%2CO%3DExample%20Corp",
		"wild*card~tilde":         "wild%2Acard%7Etilde",
		"équipe/ünïcode":          "%C3%A9quipe%2F%C3%BCn%C3%AFcode",
		"quote\"back\\slash+plus": "quote%22back%5Cslash%2Bplus",
	}
	for in, want := range tests {
		if got := kafkaSanitize(in); got != want {
			t.Errorf("kafkaSanitize(%q) = %q, want %q", in, got, want)
		}
	}
}
