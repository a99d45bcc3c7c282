package topicconfig_test

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/topicconfig"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		key, value string
		// wantErr is a substring of the error, or "" for a valid value.
		wantErr string
	}{
		// Boolean
		{"preallocate", "true", ""},
		{"preallocate", "false", ""},
		{"preallocate", "yes", `value "yes" is not a boolean`},
		{"unclean.leader.election.enable", "", "is not a boolean"},

		// Int: 32-bit, lower bound only
		{"max.message.bytes", "0", ""},
		{"max.message.bytes", "2147483647", ""},
		{"max.message.bytes", "2147483648", "is not a whole number that fits a 32-bit int"},
		{"max.message.bytes", "-1", "value -1 is out of range: it must be at least 0"},
		{"max.message.bytes", "1.5", "is not a whole number"},
		{"segment.bytes", "1048576", ""},
		{"segment.bytes", "1048575", "it must be at least 1048576"},
		{"min.insync.replicas", "0", "it must be at least 1"},

		// Int with an upper bound, and Also outside it
		{"compression.gzip.level", "1", ""},
		{"compression.gzip.level", "9", ""},
		{"compression.gzip.level", "-1", ""},
		{"compression.gzip.level", "0", "it must be between 1 and 9, or -1"},
		{"compression.gzip.level", "10", "it must be between 1 and 9, or -1"},
		{"compression.lz4.level", "17", ""},
		{"compression.lz4.level", "18", "between 1 and 17"},
		{"compression.zstd.level", "-131072", ""},
		{"compression.zstd.level", "-131073", "between -131072 and 22"},

		// Long: 64-bit, -1 meaning unlimited
		{"retention.ms", "-1", ""},
		{"retention.ms", "9223372036854775807", ""},
		{"retention.ms", "9223372036854775808", "is not a whole number that fits a 64-bit long"},
		{"retention.ms", "-2", "it must be at least -1"},
		{"retention.ms", "1h", "is not a whole number"},
		{"local.retention.bytes", "-2", ""},
		{"local.retention.bytes", "-3", "at least -2"},
		{"segment.ms", "0", "at least 1"},

		// Double: both bounds always apply, zero included
		{"min.cleanable.dirty.ratio", "0", ""},
		{"min.cleanable.dirty.ratio", "0.5", ""},
		{"min.cleanable.dirty.ratio", "1", ""},
		{"min.cleanable.dirty.ratio", "1.01", "it must be between 0 and 1"},
		{"min.cleanable.dirty.ratio", "-0.1", "between 0 and 1"},
		{"min.cleanable.dirty.ratio", "NaN", `value "NaN" is not a number`},
		{"min.cleanable.dirty.ratio", "Inf", "is not a number"},
		{"min.cleanable.dirty.ratio", "half", "is not a number"},

		// String with an enumeration
		{"compression.type", "zstd", ""},
		{"compression.type", "producer", ""},
		{"compression.type", "brotli", `value "brotli" is not allowed: use "uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"`},
		{"compression.type", "ZSTD", "is not allowed"},
		{"message.timestamp.type", "LogAppendTime", ""},

		// List with an enumeration: each element is checked
		{"cleanup.policy", "delete", ""},
		{"cleanup.policy", "compact,delete", ""},
		{"cleanup.policy", "compact, delete", ""},
		{"cleanup.policy", "", "value is empty"},
		{"cleanup.policy", "  ", "value is empty"},
		{"cleanup.policy", "compact,archive", `value "archive" is not allowed: use "compact", "delete"`},
		{"cleanup.policy", "compact,", `value "" is not allowed`},

		// List with a pattern
		{"leader.replication.throttled.replicas", "*", ""},
		{"leader.replication.throttled.replicas", "0:101,1:102", ""},
		{"follower.replication.throttled.replicas", "0:101, 1:102", ""},
		{"follower.replication.throttled.replicas", "0-101", `value "0-101" is not allowed: use "*" or a comma-separated list of partition:broker pairs`},
		{"leader.replication.throttled.replicas", "0:101,*x", `value "*x" is not allowed`},

		// Unknown keys
		{"retention.mss", "1", `"retention.mss" is not a Kafka topic config; did you mean "retention.ms"`},
		{"segment.byte", "1", `did you mean "segment.bytes"`},
		{"zzzzzzzzzzzzzzzzzzzzzzzz", "1", `is not a Kafka topic config; known keys are "cleanup.policy", `},
	}
	for _, tc := range cases {
		t.Run(tc.key+"="+tc.value, func(t *testing.T) {
			err := topicconfig.Validate(tc.key, tc.value)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Validate(%q, %q) = %v, want nil", tc.key, tc.value, err)
			case tc.wantErr != "" && err == nil:
				t.Fatalf("Validate(%q, %q) = nil, want an error containing %q", tc.key, tc.value, tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Fatalf("Validate(%q, %q) = %q, want it to contain %q", tc.key, tc.value, err, tc.wantErr)
			}
		})
	}
}

// Every Kind must be represented in the catalogue, so the Validate table
// above exercises each value type on a real key.
func TestCatalogue_coversEveryKind(t *testing.T) {
	kinds := map[topicconfig.Kind]string{}
	for _, k := range topicconfig.Keys() {
		s, ok := topicconfig.Lookup(k)
		if !ok {
			t.Fatalf("Keys() lists %q but Lookup does not find it", k)
		}
		if s.Key != k {
			t.Errorf("Lookup(%q).Key = %q", k, s.Key)
		}
		kinds[s.Kind] = k
	}
	for _, want := range []topicconfig.Kind{topicconfig.Boolean, topicconfig.Int, topicconfig.Long, topicconfig.Double, topicconfig.String, topicconfig.List} {
		if _, ok := kinds[want]; !ok {
			t.Errorf("no key of kind %s in the catalogue", want)
		}
	}
}

func TestKind_String(t *testing.T) {
	want := map[topicconfig.Kind]string{
		topicconfig.Boolean: "boolean",
		topicconfig.Int:     "int",
		topicconfig.Long:    "long",
		topicconfig.Double:  "double",
		topicconfig.String:  "string",
		topicconfig.List:    "list",
	}
	for k, w := range want {
		if k.String() != w {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), k.String(), w)
		}
	}
}

func TestKeys(t *testing.T) {
	keys := topicconfig.Keys()
	if !sort.StringsAreSorted(keys) {
		t.Errorf("Keys() is not sorted: %v", keys)
	}
	if len(slices.Compact(slices.Clone(keys))) != len(keys) {
		t.Errorf("Keys() repeats a key: %v", keys)
	}
	for _, k := range []string{"cleanup.policy", "retention.ms", "min.insync.replicas", "unclean.leader.election.enable"} {
		if !slices.Contains(keys, k) {
			t.Errorf("Keys() lacks %q", k)
		}
	}
	if _, ok := topicconfig.Lookup("retention.mss"); ok {
		t.Errorf("Lookup found a key that does not exist")
	}
}

func TestSuggest(t *testing.T) {
	cases := []struct {
		in        string
		wantFirst string
	}{
		{"retention.mss", "retention.ms"},
		{"retention.m", "retention.ms"},
		{"cleanup.polcy", "cleanup.policy"},
		{"min.insync.replica", "min.insync.replicas"},
		{"segment.byte", "segment.bytes"},
		// A fragment contained in a key is close enough.
		{"insync", "min.insync.replicas"},
	}
	for _, tc := range cases {
		got := topicconfig.Suggest(tc.in)
		if len(got) == 0 || got[0] != tc.wantFirst {
			t.Errorf("Suggest(%q) = %v, want %q first", tc.in, got, tc.wantFirst)
		}
		if len(got) > 3 {
			t.Errorf("Suggest(%q) returns %d keys, want at most 3", tc.in, len(got))
		}
	}
	if got := topicconfig.Suggest("bootstrap.servers.list"); len(got) != 0 {
		t.Errorf("Suggest of an unrelated key = %v, want nothing", got)
	}
	// Ties in distance are broken alphabetically, so messages are stable.
	if got := topicconfig.Suggest("retention"); !slices.Equal(got, []string{"retention.ms", "retention.bytes", "local.retention.ms"}) {
		t.Errorf("Suggest(\"retention\") = %v", got)
	}
}

func TestEquivalent(t *testing.T) {
	cases := []struct {
		key, a, b string
		want      bool
	}{
		{"retention.ms", "604800000", "604800000", true},
		{"retention.ms", "1000", "1000.0", true},
		{"retention.ms", "1000", "1e3", true},
		{"retention.ms", " 1000", "1000", true},
		{"retention.ms", "1000", "1001", false},
		{"retention.ms", "1000", "abc", false},
		{"min.cleanable.dirty.ratio", "0.5", "0.50", true},
		{"min.cleanable.dirty.ratio", "0.5", "0.6", false},
		{"cleanup.policy", "compact,delete", "compact, delete", true},
		{"cleanup.policy", "compact,delete", "compact", false},
		{"preallocate", "true", "TRUE", true},
		{"preallocate", "true", "false", false},
		{"compression.type", "zstd", "ZSTD", false},
		{"compression.type", "zstd", "zstd", true},
		// An unknown key is compared as text.
		{"x.unknown", "1", "1.0", false},
		{"x.unknown", "a", "a", true},
	}
	for _, tc := range cases {
		if got := topicconfig.Equivalent(tc.key, tc.a, tc.b); got != tc.want {
			t.Errorf("Equivalent(%q, %q, %q) = %t, want %t", tc.key, tc.a, tc.b, got, tc.want)
		}
		if got := topicconfig.Equivalent(tc.key, tc.b, tc.a); got != tc.want {
			t.Errorf("Equivalent(%q, %q, %q) = %t, want %t (not symmetric)", tc.key, tc.b, tc.a, got, tc.want)
		}
	}
}

func TestCheckKey(t *testing.T) {
	if err := topicconfig.CheckKey("retention.ms"); err != nil {
		t.Errorf("CheckKey(retention.ms) = %v", err)
	}
	err := topicconfig.CheckKey("retention.mss")
	if err == nil || !strings.Contains(err.Error(), `did you mean "retention.ms"`) {
		t.Errorf("CheckKey(retention.mss) = %v, want a suggestion", err)
	}
}

func TestBooleansIgnoreCaseAndListsCompareAsSets(t *testing.T) {
	if err := topicconfig.Validate("preallocate", "TRUE"); err != nil {
		t.Errorf("Kafka accepts TRUE for a boolean: %v", err)
	}
	if err := topicconfig.Validate("preallocate", "yes"); err == nil {
		t.Error("yes accepted as a boolean")
	}
	if !topicconfig.Equivalent("cleanup.policy", "delete,compact", "compact, delete") {
		t.Error("cleanup.policy lists in another order are not equivalent")
	}
	if topicconfig.Equivalent("cleanup.policy", "delete", "compact,delete") {
		t.Error("different cleanup.policy sets are equivalent")
	}
}
