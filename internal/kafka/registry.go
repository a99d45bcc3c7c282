package kafka

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
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
	// Offset is where the record sits in the registry topic; records with
	// lower offsets were written first.
	Offset int64
}

// envelope is a record's value on the wire.
type envelope struct {
	SchemaVersion int             `json:"schema_version"`
	Kind          string          `json:"kind"`
	Name          string          `json:"name"`
	Spec          json.RawMessage `json:"spec"`
}

// RegistrySnapshot is the registry's content up to an offset.
type RegistrySnapshot struct {
	// Records maps "kind/name" to the latest record of each live object.
	Records map[string]Record
	// Next is the offset after the last record read.
	Next int64
}

// Of returns the live records of one kind, keyed by name.
func (s RegistrySnapshot) Of(kind string) map[string]Record {
	out := map[string]Record{}
	for _, r := range s.Records {
		if r.Kind == kind {
			out[r.Name] = r
		}
	}
	return out
}

func recordKey(kind, name string) string { return kind + "/" + name }

// registry caches the registry topic's content for the life of a Client:
// read once, then extended by reading only what was written since.
type registry struct {
	topic string

	// loadMu makes reads single-flight: Terraform plans and applies many
	// resources at once, and they should share one read.
	loadMu      sync.Mutex
	lastRefresh time.Time

	mu      sync.Mutex
	snap    RegistrySnapshot
	loaded  bool
	created bool
}

// Registry returns the registry's content, reading the topic the first time
// and serving the cache afterwards. Callers that must see writes by other
// processes (apply-time checks) use RefreshRegistry.
func (c *Client) Registry(ctx context.Context) (RegistrySnapshot, error) {
	c.reg.loadMu.Lock()
	defer c.reg.loadMu.Unlock()
	c.reg.mu.Lock()
	loaded := c.reg.loaded
	c.reg.mu.Unlock()
	if loaded {
		return c.snapshot(), nil
	}
	return c.refreshLocked(ctx)
}

// RefreshRegistry returns the registry's content including everything
// written, by any process, before the call began. Concurrent calls share
// one read: a read that started after this call began serves it too.
func (c *Client) RefreshRegistry(ctx context.Context) (RegistrySnapshot, error) {
	called := time.Now()
	c.reg.loadMu.Lock()
	defer c.reg.loadMu.Unlock()
	if c.reg.lastRefresh.After(called) {
		return c.snapshot(), nil
	}
	return c.refreshLocked(ctx)
}

// refreshLocked reads what was written since the last read; loadMu is held.
func (c *Client) refreshLocked(ctx context.Context) (RegistrySnapshot, error) {
	if err := c.ensureRegistry(ctx); err != nil {
		return RegistrySnapshot{}, err
	}
	started := time.Now()
	c.reg.mu.Lock()
	defer c.reg.mu.Unlock()
	if c.reg.snap.Records == nil {
		c.reg.snap.Records = map[string]Record{}
	}
	if err := c.readRegistry(ctx, &c.reg.snap); err != nil {
		return RegistrySnapshot{}, err
	}
	c.reg.loaded, c.reg.lastRefresh = true, started
	return cloneSnapshot(c.reg.snap), nil
}

func (c *Client) snapshot() RegistrySnapshot {
	c.reg.mu.Lock()
	defer c.reg.mu.Unlock()
	return cloneSnapshot(c.reg.snap)
}

func cloneSnapshot(s RegistrySnapshot) RegistrySnapshot {
	out := RegistrySnapshot{Records: make(map[string]Record, len(s.Records)), Next: s.Next}
	for k, v := range s.Records {
		out.Records[k] = v
	}
	return out
}

// ensureRegistry creates the registry topic on first use: one partition,
// compacted, replicated as widely as the cluster allows (up to three).
func (c *Client) ensureRegistry(ctx context.Context) error {
	c.reg.mu.Lock()
	done := c.reg.created
	c.reg.mu.Unlock()
	if done {
		return nil
	}
	_, err := c.DescribeTopic(ctx, c.reg.topic)
	if errors.Is(err, ErrNotFound) {
		brokers, berr := c.Brokers(ctx)
		if berr != nil {
			return berr
		}
		rf := int16(min(3, len(brokers)))
		minISR := "1"
		if rf >= 3 {
			minISR = "2"
		}
		_, err = c.CreateTopic(ctx, TopicSpec{
			Name:              c.reg.topic,
			Partitions:        1,
			ReplicationFactor: rf,
			Configs:           map[string]string{"cleanup.policy": "compact", "min.insync.replicas": minISR},
		})
		if errors.Is(err, ErrAlreadyExists) {
			// Another process created it at the same moment.
			err = nil
		}
	}
	if err != nil {
		return fmt.Errorf("preparing the registry topic %q: %w", c.reg.topic, err)
	}
	c.reg.mu.Lock()
	c.reg.created = true
	c.reg.mu.Unlock()
	return nil
}

// readRegistry consumes the registry topic from snap.Next to its current
// end, applying each record and tombstone to snap.
func (c *Client) readRegistry(ctx context.Context, snap *RegistrySnapshot) error {
	adm, err := c.admin(ctx)
	if err != nil {
		return err
	}
	ends, err := adm.ListEndOffsets(ctx, c.reg.topic)
	if err != nil {
		return fmt.Errorf("reading the end of the registry topic %q: %w", c.reg.topic, err)
	}
	end, ok := ends.Lookup(c.reg.topic, 0)
	if !ok || end.Err != nil {
		return fmt.Errorf("reading the end of the registry topic %q: %w", c.reg.topic, errors.Join(errors.New("no offset for partition 0"), end.Err))
	}
	if snap.Next >= end.Offset {
		return nil
	}
	opts, err := c.cfg.kgoOpts()
	if err != nil {
		return err
	}
	opts = append(opts, kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{
		c.reg.topic: {0: kgo.NewOffset().At(snap.Next)},
	}))
	cons, err := kgo.NewClient(opts...)
	if err != nil {
		return err
	}
	defer cons.Close()
	for snap.Next < end.Offset {
		fetches := cons.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("reading the registry topic %q: %w", c.reg.topic, err)
		}
		var ferr error
		fetches.EachError(func(_ string, _ int32, err error) {
			if ferr == nil {
				ferr = err
			}
		})
		if ferr != nil {
			return fmt.Errorf("reading the registry topic %q: %w", c.reg.topic, ferr)
		}
		var perr error
		fetches.EachRecord(func(r *kgo.Record) {
			if perr == nil {
				perr = applyRecord(snap, r)
			}
			snap.Next = max(snap.Next, r.Offset+1)
		})
		if perr != nil {
			return perr
		}
	}
	return nil
}

// applyRecord folds one registry record into snap.
func applyRecord(snap *RegistrySnapshot, r *kgo.Record) error {
	key := string(r.Key)
	if r.Value == nil {
		delete(snap.Records, key)
		return nil
	}
	rec, err := decodeRecord(key, r.Value, r.Offset)
	if err != nil {
		return err
	}
	snap.Records[key] = rec
	return nil
}

// PutRecord writes an object's record with acks from all in-sync replicas
// and returns its offset. The cache is brought up to date, including any
// records other processes wrote before this one.
func (c *Client) PutRecord(ctx context.Context, kind, name string, spec any) (int64, error) {
	raw, err := json.Marshal(spec)
	if err != nil {
		return 0, fmt.Errorf("encoding %s %q: %w", kind, name, err)
	}
	value, err := json.Marshal(envelope{SchemaVersion: RegistrySchemaVersion, Kind: kind, Name: name, Spec: raw})
	if err != nil {
		return 0, err
	}
	return c.produceRecord(ctx, recordKey(kind, name), value)
}

// DeleteRecord writes a tombstone for an object, which compaction later
// removes entirely.
func (c *Client) DeleteRecord(ctx context.Context, kind, name string) error {
	_, err := c.produceRecord(ctx, recordKey(kind, name), nil)
	return err
}

func (c *Client) produceRecord(ctx context.Context, key string, value []byte) (int64, error) {
	if err := c.ensureRegistry(ctx); err != nil {
		return 0, err
	}
	kcl, err := c.kgoClient(ctx)
	if err != nil {
		return 0, err
	}
	// The admin client produces with acks=all and idempotence, franz-go's
	// defaults, so an acknowledged record survives a broker loss.
	res := kcl.ProduceSync(ctx, &kgo.Record{Topic: c.reg.topic, Key: []byte(key), Value: value})
	rec, err := res.First()
	if errors.Is(err, kerr.TopicAuthorizationFailed) {
		return 0, fmt.Errorf("writing %s to the registry topic %q: the provider's principal may not write it: %w", key, c.reg.topic, err)
	}
	if err != nil {
		return 0, fmt.Errorf("writing %s to the registry topic %q: %w", key, c.reg.topic, err)
	}
	if _, err := c.RefreshRegistry(ctx); err != nil {
		return rec.Offset, err
	}
	return rec.Offset, nil
}

// RegistryTopic returns the name of the registry topic.
func (c *Client) RegistryTopic() string { return c.reg.topic }

// DecodeSpec decodes a record's spec into v.
func DecodeSpec(r Record, v any) error {
	if err := json.Unmarshal(r.Spec, v); err != nil {
		return fmt.Errorf("decoding %s %q from the registry: %w", r.Kind, r.Name, err)
	}
	return nil
}
