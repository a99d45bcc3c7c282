package kafka

import (
	"encoding/json"
	"fmt"
)

// decodeRecord decodes the value of a registry record written under key at
// offset: the JSON envelope, its schema version and its kind and name, which
// must match key. It is pure, so that any bytes another writer left in the
// topic give an error and never a panic; the caller decides what an
// undecodable record means. Tombstones (nil values) are the caller's.
func decodeRecord(key string, value []byte, offset int64) (Record, error) {
	var env envelope
	if err := json.Unmarshal(value, &env); err != nil {
		return Record{}, fmt.Errorf("registry record %q at offset %d is not kafkatenant JSON: %w", key, offset, err)
	}
	if env.SchemaVersion > RegistrySchemaVersion {
		return Record{}, fmt.Errorf("registry record %q at offset %d has schema version %d; this provider reads up to %d: upgrade the provider",
			key, offset, env.SchemaVersion, RegistrySchemaVersion)
	}
	if recordKey(env.Kind, env.Name) != key {
		return Record{}, fmt.Errorf("registry record at offset %d has key %q but describes %s %q", offset, key, env.Kind, env.Name)
	}
	return Record{Kind: env.Kind, Name: env.Name, Spec: env.Spec, Offset: offset}, nil
}
