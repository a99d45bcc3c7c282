package kafka

import (
	"strings"
	"testing"
)

func TestDecodeRecord(t *testing.T) {
	for _, tc := range []struct {
		name, key, value string
		wantErr          string
		claim            int64
	}{
		{"first record", "tenant/a", `{"schema_version":1,"kind":"tenant","name":"a","spec":{"p":1}}`, "", 10},
		{"update carries its claim", "tenant/a", `{"schema_version":1,"kind":"tenant","name":"a","spec":{},"claimed_at":3}`, "", 3},
		{"a claim after the record is ignored", "tenant/a", `{"schema_version":1,"kind":"tenant","name":"a","spec":{},"claimed_at":30}`, "", 10},
		{"garbage", "tenant/a", `{not json`, "not kafkatenant JSON", 0},
		{"future schema", "tenant/a", `{"schema_version":2,"kind":"tenant","name":"a","spec":{}}`, "newer provider", 0},
		{"no schema", "tenant/a", `{"kind":"tenant","name":"a","spec":{}}`, "no schema version", 0},
		{"key mismatch", "tenant/b", `{"schema_version":1,"kind":"tenant","name":"a","spec":{}}`, "does not match", 0},
		{"no spec", "tenant/a", `{"schema_version":1,"kind":"tenant","name":"a"}`, "no spec", 0},
		{"no name", "tenant/", `{"schema_version":1,"kind":"tenant","name":"","spec":{}}`, "names no object", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := DecodeRecord([]byte(tc.key), []byte(tc.value), 10)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an error saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || r.ClaimOffset != tc.claim || r.Offset != 10 {
				t.Fatalf("got %+v, %v; want claim %d at offset 10", r, err, tc.claim)
			}
		})
	}
}
