package kafka

import (
	"testing"
)

// FuzzDecodeRecord feeds arbitrary bytes, as any writer could leave them in
// the registry topic, to the record decoder. It must never panic, a record
// it accepts must match its key and claim an offset no later than its own,
// and encoding an accepted record again must give one that decodes to the
// same object.
func FuzzDecodeRecord(f *testing.F) {
	f.Fuzz(func(t *testing.T, key string, value []byte, offset int64) {
		rec, err := DecodeRecord([]byte(key), value, offset)
		if err != nil {
			return
		}
		if RecordKey(rec.Kind, rec.Name) != key || rec.Offset != offset || rec.ClaimOffset > offset {
			t.Fatalf("DecodeRecord(%q, %q, %d) = %+v, which does not match its key and offset", key, value, offset, rec)
		}
		raw, err := encodeRecord(rec.Kind, rec.Name, rec.Spec, rec.ClaimOffset, rec.Writer)
		if err != nil {
			t.Fatalf("re-encoding %+v: %v", rec, err)
		}
		again, err := DecodeRecord([]byte(key), raw, offset)
		if err != nil || again.Kind != rec.Kind || again.Name != rec.Name || again.ClaimOffset != rec.ClaimOffset {
			t.Fatalf("re-encoded %+v decodes as %+v, %v", rec, again, err)
		}
	})
}
