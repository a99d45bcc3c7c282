package kafka

import (
	"encoding/json"
	"fmt"
	"strings"
)

// DefaultRegistryTopic is the topic kafkatenant keeps its metadata in when
// the provider does not name another.
const DefaultRegistryTopic = "_kafkatenant"

// RegistrySchemaVersion is the version of the record envelope written now.
// Readers accept this version and older ones.
const RegistrySchemaVersion = 1

// Record is one object in the registry: a virtual cluster or a tenant. Kafka
// has no place for this metadata, so kafkatenant keeps it, one record per
// object, in a compacted single-partition topic, the way Kafka Connect keeps
// its configuration.
type Record struct {
	// Kind is the object kind, such as "tenant".
	Kind string
	// Name is the object's name, unique per kind.
	Name string
	// Spec is the object's JSON description, owned by the caller.
	Spec json.RawMessage
	// Offset is where the record sits in the registry topic.
	Offset int64
	// ClaimOffset is the offset of the object's first record, which
	// updates carry forward: claims on names are ordered by it, so that
	// updating an object never moves its claim behind a later one.
	ClaimOffset int64
	// Writer is the principal that wrote the record, when known.
	Writer string
}

// SkippedRecord is a registry record that could not be read: not
// kafkatenant's JSON, written by a newer provider, or under a key that
// does not match its content. The object it names is treated as having no
// record until a tombstone or a readable record for the key replaces it.
type SkippedRecord struct {
	// Key is the record's key.
	Key string
	// Offset is where the record sits in the registry topic.
	Offset int64
	// Reason says why it was skipped, in a sentence.
	Reason string
}

// envelope is a record's value on the wire.
type envelope struct {
	SchemaVersion int             `json:"schema_version"`
	Kind          string          `json:"kind"`
	Name          string          `json:"name"`
	Spec          json.RawMessage `json:"spec"`
	// ClaimedAt is the offset of the object's first record; absent on the
	// first record itself.
	ClaimedAt *int64 `json:"claimed_at,omitempty"`
	// WrittenBy is the principal of the provider that wrote the record.
	WrittenBy string `json:"written_by,omitempty"`
}

// RecordKey is the key of an object's record: its kind, a slash and its
// name, such as "tenant/payments".
func RecordKey(kind, name string) string { return kind + "/" + name }

// DecodeRecord reads one registry record from its key, value and offset.
// It never panics, whatever the bytes: a value that is not a kafkatenant
// envelope of a known schema version, or whose kind and name do not match
// the key, is an error saying so. A nil value is a tombstone and is not
// decoded here.
func DecodeRecord(key, value []byte, offset int64) (Record, error) {
	var env envelope
	if err := json.Unmarshal(value, &env); err != nil {
		return Record{}, fmt.Errorf("its value is not kafkatenant JSON: %w", err)
	}
	switch {
	case env.SchemaVersion > RegistrySchemaVersion:
		return Record{}, fmt.Errorf("it has schema version %d, and this provider reads up to %d: a newer provider wrote it", env.SchemaVersion, RegistrySchemaVersion)
	case env.SchemaVersion < 1:
		return Record{}, fmt.Errorf("it has no schema version: it was not written by kafkatenant")
	case env.Kind == "" || env.Name == "" || strings.Contains(env.Kind, "/"):
		return Record{}, fmt.Errorf("it names no object (kind %q, name %q)", env.Kind, env.Name)
	case RecordKey(env.Kind, env.Name) != string(key):
		return Record{}, fmt.Errorf("its key %q does not match the %s %q it describes", key, env.Kind, env.Name)
	case len(env.Spec) == 0 || string(env.Spec) == "null":
		return Record{}, fmt.Errorf("it has no spec")
	}
	r := Record{Kind: env.Kind, Name: env.Name, Spec: env.Spec, Offset: offset, ClaimOffset: offset, Writer: env.WrittenBy}
	if env.ClaimedAt != nil && *env.ClaimedAt >= 0 && *env.ClaimedAt < offset {
		r.ClaimOffset = *env.ClaimedAt
	}
	return r, nil
}

// encodeRecord builds a record's value. claimedAt is the offset of the
// object's first record, or negative for a first record.
func encodeRecord(kind, name string, spec any, claimedAt int64, writer string) ([]byte, error) {
	raw, err := json.Marshal(spec)
	if err != nil {
		return nil, fmt.Errorf("encoding %s %q: %w", kind, name, err)
	}
	env := envelope{SchemaVersion: RegistrySchemaVersion, Kind: kind, Name: name, Spec: raw, WrittenBy: writer}
	if claimedAt >= 0 {
		env.ClaimedAt = &claimedAt
	}
	return json.Marshal(env)
}

// DecodeSpec decodes a record's spec into v.
func DecodeSpec(r Record, v any) error {
	if err := json.Unmarshal(r.Spec, v); err != nil {
		return fmt.Errorf("decoding %s %q from the registry: %w", r.Kind, r.Name, err)
	}
	return nil
}
