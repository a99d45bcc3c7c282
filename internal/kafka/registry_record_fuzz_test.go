package kafka

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeRecord feeds arbitrary bytes, as any writer could leave them in
// the registry topic, to the record decoder. It must never panic, and a
// record it accepts must match its key and encode back to an envelope that
// decodes to the same object.
func FuzzDecodeRecord(f *testing.F) {
	f.Fuzz(func(t *testing.T, key string, value []byte, offset int64) {
		rec, err := decodeRecord(key, value, offset)
		if err != nil {
			return
		}
		if recordKey(rec.Kind, rec.Name) != key || rec.Offset != offset {
			t.Fatalf("decodeRecord(%q, %q, %d) = %+v, which does not match its key and offset", key, value, offset, rec)
		}
		raw, err := json.Marshal(envelope{SchemaVersion: RegistrySchemaVersion, Kind: rec.Kind, Name: rec.Name, Spec: rec.Spec})
		if err != nil {
			t.Fatalf("re-encoding %+v: %v", rec, err)
		}
		again, err := decodeRecord(key, raw, offset)
		if err != nil || again.Kind != rec.Kind || again.Name != rec.Name {
			t.Fatalf("re-encoded %+v decodes as %+v, %v", rec, again, err)
		}
	})
}
