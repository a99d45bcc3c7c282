package topicconfig

import (
	"strings"
	"testing"
)

func TestVendor(t *testing.T) {
	for key, want := range map[string]string{
		"confluent.placement.constraints": "Confluent Platform and Confluent Cloud",
		"confluent.tier.enable":           "Confluent Platform and Confluent Cloud",
		"redpanda.remote.read":            "Redpanda",
		"redpanda.":                       "",
		"retention.ms":                    "",
		"confluentx.tier.enable":          "",
	} {
		got, ok := Vendor(key)
		if got != want || ok != (want != "") {
			t.Errorf("Vendor(%q) = %q, %t; want %q", key, got, ok, want)
		}
	}
}

func TestCheckKeys(t *testing.T) {
	type want struct {
		key     string
		warning bool
		detail  []string
	}
	broker := map[string]bool{"retention.ms": true, "redpanda.remote.read": true, "write.caching": true}
	for _, tc := range []struct {
		name   string
		keys   []string
		broker map[string]bool
		want   []want
	}{
		{name: "Apache keys pass offline", keys: []string{"retention.ms", "cleanup.policy"}},
		{name: "vendor key offline is a warning", keys: []string{"redpanda.remote.write"}, want: []want{
			{"redpanda.remote.write", true, []string{"namespace of Redpanda", "No broker could be asked"}},
		}},
		{name: "vendor key the brokers list passes", keys: []string{"redpanda.remote.read"}, broker: broker},
		{name: "vendor key the brokers do not list is a warning", keys: []string{"confluent.tier.enable"}, broker: broker, want: []want{
			{"confluent.tier.enable", true, []string{"Confluent Platform", "brokers do not list it"}},
		}},
		{name: "a key the brokers list passes without a namespace", keys: []string{"write.caching"}, broker: broker},
		{name: "an unknown key is an error offline", keys: []string{"write.caching"}, want: []want{
			{"write.caching", false, []string{`"write.caching" is not among Apache Kafka's topic configs.`, `start with "confluent." or "redpanda."`}},
		}},
		{name: "near miss suggests Apache and reported keys", keys: []string{"retention.msec", "write.cachin"}, broker: broker, want: []want{
			{"retention.msec", false, []string{"nor among those the brokers report", `did you mean "retention.ms"`}},
			{"write.cachin", false, []string{`did you mean "write.caching"?`}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CheckKeys(tc.keys, tc.broker)
			if len(got) != len(tc.want) {
				t.Fatalf("CheckKeys = %+v, want %d problems", got, len(tc.want))
			}
			for i, w := range tc.want {
				if got[i].Key != w.key || got[i].Warning != w.warning {
					t.Errorf("problem %d = %+v, want key %q warning %t", i, got[i], w.key, w.warning)
				}
				for _, d := range w.detail {
					if !strings.Contains(got[i].Detail, d) {
						t.Errorf("detail of %q = %q, want it to contain %q", w.key, got[i].Detail, d)
					}
				}
			}
		})
	}
}
