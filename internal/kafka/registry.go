package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// RegistrySnapshot is the registry's content up to an offset.
type RegistrySnapshot struct {
	// Records maps "kind/name" to the latest record of each live object.
	Records map[string]Record
	// Skipped maps "kind/name" to the latest record of a key that could not
	// be read. Such a key has no entry in Records.
	Skipped map[string]SkippedRecord
	// Next is the offset after the last record read.
	Next int64
	// Exists reports whether the registry topic exists. A registry that
	// does not exist is empty; the first write creates it.
	Exists bool
	// Generation changes whenever Records change, so that callers can cache
	// what they derive from them.
	Generation uint64
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

// registry caches the registry topic's content for the life of a Client:
// read once, then extended by reading only what was written since.
type registry struct {
	topic string

	// loadMu makes reads single-flight: Terraform plans and applies many
	// resources at once, and they should share one read.
	loadMu      sync.Mutex
	lastRefresh time.Time
	// window is how long a fresh read waits before it begins, holding
	// loadMu, so that callers arriving in that time share it.
	window time.Duration
	// createMu lets one write at a time create the topic. Creating it
	// drops the topic from the client's metadata cache, which fails a
	// record another write has already buffered for it.
	createMu sync.Mutex

	mu      sync.Mutex
	snap    RegistrySnapshot
	topicID [16]byte
	loaded  bool
	// route is the metadata the last read found the registry topic in,
	// when it exists: a fresh read fetches from the leader it names,
	// asking for the topic by ID, and reads metadata again only when that
	// fetch fails (topic deleted or replaced, leader moved).
	route *registryRoute
	// own holds this client's acknowledged records beyond snap.Next, by
	// offset, until the records before them are read.
	own map[int64]ownRecord
}

// registryRoute is a metadata answer and its entry for the registry topic.
type registryRoute struct {
	all  *kmsg.MetadataResponse
	meta *kmsg.MetadataResponseTopic
}

// ownRecord is a record this client wrote.
type ownRecord struct {
	key   string
	value []byte
}

// Registry returns the registry's content, reading the topic the first time
// and serving the cache afterwards. Callers that must see writes by other
// processes (apply-time checks) use RefreshRegistry. Reading never creates
// the registry topic: a cluster without one has an empty registry.
func (c *Client) Registry(ctx context.Context) (RegistrySnapshot, error) {
	c.reg.loadMu.Lock()
	defer c.reg.loadMu.Unlock()
	c.reg.mu.Lock()
	loaded := c.reg.loaded
	c.reg.mu.Unlock()
	if loaded {
		return c.registrySnapshot(), nil
	}
	return c.refreshRegistryLocked(ctx, nil, nil)
}

// RefreshRegistry returns the registry's content including everything
// written, by any process, before the call began. Concurrent calls share
// one read: a read that started after this call began serves it too.
func (c *Client) RefreshRegistry(ctx context.Context) (RegistrySnapshot, error) {
	called := time.Now()
	c.reg.loadMu.Lock()
	defer c.reg.loadMu.Unlock()
	if c.reg.lastRefresh.After(called) {
		return c.registrySnapshot(), nil
	}
	// Callers arriving now wait on loadMu and find the read that follows
	// newer than their call.
	time.Sleep(c.reg.window)
	return c.refreshRegistryLocked(ctx, nil, nil)
}

// refreshRegistryLocked reads what was written since the last read; loadMu
// is held. all and meta, when not nil, are a fresh metadata answer and its
// entry for the registry topic, which save asking again (the snapshot's
// load has them).
func (c *Client) refreshRegistryLocked(ctx context.Context, all *kmsg.MetadataResponse, meta *kmsg.MetadataResponseTopic) (RegistrySnapshot, error) {
	started := time.Now()
	kcl, err := c.kgoClient(ctx)
	if err != nil {
		return RegistrySnapshot{}, err
	}
	if all == nil {
		c.reg.mu.Lock()
		route := c.reg.route
		c.reg.mu.Unlock()
		if route != nil {
			if snap, err := c.readRegistryAt(ctx, kcl, route.all, route.meta, started, true); err == nil {
				return snap, nil
			}
			// Wherever the topic went, the metadata says.
		}
		if all, err = c.readMetadata(ctx, []string{c.reg.topic}); err != nil {
			return RegistrySnapshot{}, fmt.Errorf("reading the registry topic %q: %w", c.reg.topic, err)
		}
		for i := range all.Topics {
			if t := all.Topics[i]; t.Topic != nil && *t.Topic == c.reg.topic {
				meta = &all.Topics[i]
			}
		}
	}
	return c.readRegistryAt(ctx, kcl, all, meta, started, false)
}

// readRegistryAt brings the cache up to the registry topic's end, reading
// it where all and meta say. byRoute says they are the route of an earlier
// read: the fetch must then ask for the topic by ID, so that a registry
// deleted or replaced since fails it instead of being read as the old one.
func (c *Client) readRegistryAt(ctx context.Context, kcl *kgo.Client, all *kmsg.MetadataResponse, meta *kmsg.MetadataResponseTopic, started time.Time, byRoute bool) (RegistrySnapshot, error) {
	c.reg.mu.Lock()
	defer c.reg.mu.Unlock()
	snap := cloneSnapshot(c.reg.snap)
	if err := c.readRegistry(ctx, kcl, all, meta, &snap, byRoute); err != nil {
		return RegistrySnapshot{}, err
	}
	c.reg.route = nil
	if snap.Exists {
		// Keep the brokers and the topic's entry, not a whole cluster's
		// metadata.
		entry := *meta
		c.reg.route = &registryRoute{all: &kmsg.MetadataResponse{Brokers: all.Brokers}, meta: &entry}
	}
	if !sameRecords(snap, c.reg.snap) {
		snap.Generation = c.reg.snap.Generation + 1
	}
	c.reg.snap, c.reg.loaded, c.reg.lastRefresh = snap, true, started
	for offset := range c.reg.own {
		if offset < snap.Next {
			delete(c.reg.own, offset)
		}
	}
	return snap, nil
}

// registrySnapshot returns the cached registry. Its maps are shared with
// every other caller and never change: a read or a folded write builds new
// ones and replaces the cache. Serving every resource of a plan a copy
// cost a copy of the whole registry per call.
func (c *Client) registrySnapshot() RegistrySnapshot {
	c.reg.mu.Lock()
	defer c.reg.mu.Unlock()
	return c.reg.snap
}

func cloneSnapshot(s RegistrySnapshot) RegistrySnapshot {
	out := s
	out.Records = make(map[string]Record, len(s.Records))
	for k, v := range s.Records {
		out.Records[k] = v
	}
	out.Skipped = make(map[string]SkippedRecord, len(s.Skipped))
	for k, v := range s.Skipped {
		out.Skipped[k] = v
	}
	return out
}

func sameRecords(a, b RegistrySnapshot) bool {
	if len(a.Records) != len(b.Records) || len(a.Skipped) != len(b.Skipped) || a.Exists != b.Exists {
		return false
	}
	for k, r := range a.Records {
		if o, ok := b.Records[k]; !ok || o.Offset != r.Offset {
			return false
		}
	}
	for k, s := range a.Skipped {
		if o, ok := b.Skipped[k]; !ok || o.Offset != s.Offset {
			return false
		}
	}
	return true
}

// readRegistry brings snap up to the registry topic's current end with
// Fetch requests to the partition's leader, over the client's own
// connections. A registry topic deleted (or deleted and created again)
// since the last read empties snap first.
func (c *Client) readRegistry(ctx context.Context, kcl *kgo.Client, all *kmsg.MetadataResponse, meta *kmsg.MetadataResponseTopic, snap *RegistrySnapshot, byID bool) error {
	if snap.Records == nil {
		snap.Records, snap.Skipped = map[string]Record{}, map[string]SkippedRecord{}
	}
	reset := func() {
		snap.Records, snap.Skipped, snap.Next = map[string]Record{}, map[string]SkippedRecord{}, 0
	}
	if meta == nil || errors.Is(kerr.ErrorForCode(meta.ErrorCode), kerr.UnknownTopicOrPartition) {
		reset()
		snap.Exists = false
		return nil
	}
	if err := kerr.ErrorForCode(meta.ErrorCode); err != nil {
		return fmt.Errorf("reading the registry topic %q: %w", c.reg.topic, err)
	}
	if snap.Exists && meta.TopicID != c.reg.topicID {
		reset()
	}
	snap.Exists, c.reg.topicID = true, meta.TopicID
	leader := int32(-1)
	for _, p := range meta.Partitions {
		if p.Partition == 0 {
			leader = p.Leader
		}
	}
	if leader < 0 {
		return fmt.Errorf("reading the registry topic %q: partition 0 has no leader", c.reg.topic)
	}
	broker := c.brokerAt(kcl, leader, all)
	for stalls := 0; ; {
		fp, err := c.fetchRegistry(ctx, broker, meta.TopicID, snap.Next, byID)
		if errors.Is(err, kerr.OffsetOutOfRange) && snap.Next > 0 && !byID {
			// The topic was emptied or replaced under the same ID: read it
			// again from its start.
			reset()
			continue
		}
		if err != nil {
			return fmt.Errorf("reading the registry topic %q at offset %d: %w", c.reg.topic, snap.Next, err)
		}
		before := snap.Next
		for _, r := range fp.Records {
			applyRecord(snap, r.Key, r.Value, r.Offset)
			snap.Next = max(snap.Next, r.Offset+1)
		}
		if snap.Next >= fp.HighWatermark {
			return nil
		}
		if snap.Next == before {
			// Batches of control records or compacted gaps carry no
			// records; a few empty answers in a row mean something else
			// is wrong.
			if stalls++; stalls > 3 {
				return fmt.Errorf("reading the registry topic %q: no records returned at offset %d although the topic ends at %d", c.reg.topic, snap.Next, fp.HighWatermark)
			}
		}
	}
}

// errRegistryByName is a fetch by ID that a broker too old for topic IDs
// (Fetch v13, Kafka 3.1) served by name.
var errRegistryByName = errors.New("the broker fetched the registry by name, not by topic ID")

// fetchRegistry asks the leader for the registry partition from offset,
// without waiting for new records. byID refuses an answer from a broker
// that cannot tell topics apart by ID.
func (c *Client) fetchRegistry(ctx context.Context, broker *kgo.Broker, topicID [16]byte, offset int64, byID bool) (kgo.FetchPartition, error) {
	req := kmsg.NewPtrFetchRequest()
	req.ReplicaID = -1
	req.MaxWaitMillis = 0
	req.MinBytes = 1
	req.MaxBytes = 64 << 20
	req.SessionEpoch = -1
	t := kmsg.NewFetchRequestTopic()
	t.Topic, t.TopicID = c.reg.topic, topicID
	p := kmsg.NewFetchRequestTopicPartition()
	p.Partition, p.FetchOffset, p.PartitionMaxBytes, p.CurrentLeaderEpoch, p.LogStartOffset = 0, offset, 32<<20, -1, -1
	t.Partitions = append(t.Partitions, p)
	req.Topics = append(req.Topics, t)
	raw, err := broker.RetriableRequest(ctx, req)
	if err != nil {
		return kgo.FetchPartition{}, err
	}
	resp := raw.(*kmsg.FetchResponse)
	if byID && resp.GetVersion() < 13 {
		return kgo.FetchPartition{}, errRegistryByName
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return kgo.FetchPartition{}, err
	}
	if len(resp.Topics) != 1 || len(resp.Topics[0].Partitions) != 1 {
		return kgo.FetchPartition{}, errors.New("the leader answered for no registry partition")
	}
	fp, _ := kgo.ProcessFetchPartition(kgo.ProcessFetchPartitionOpts{Topic: c.reg.topic, Offset: offset},
		&resp.Topics[0].Partitions[0], kgo.DefaultDecompressor(), nil)
	return fp, fp.Err
}

// applyRecord folds one registry record into snap. A tombstone removes the
// key; a record that cannot be read replaces whatever the key held with a
// SkippedRecord, since it supersedes the earlier record.
func applyRecord(snap *RegistrySnapshot, key, value []byte, offset int64) {
	k := string(key)
	delete(snap.Records, k)
	delete(snap.Skipped, k)
	if value == nil {
		return
	}
	r, err := DecodeRecord(key, value, offset)
	if err != nil {
		snap.Skipped[k] = SkippedRecord{Key: k, Offset: offset, Reason: err.Error()}
		return
	}
	snap.Records[k] = r
}

// PutRecord writes an object's record with acks from all in-sync replicas
// and returns its offset, creating the registry topic if it does not exist
// yet. An update keeps the object's claim offset. When it returns, the
// cache holds every record up to this one, those other processes wrote
// before it included: a claim checked against the cache afterwards sees
// every earlier claim.
func (c *Client) PutRecord(ctx context.Context, kind, name string, spec any) (int64, error) {
	key := RecordKey(kind, name)
	claimedAt := int64(-1)
	c.reg.mu.Lock()
	if r, ok := c.reg.snap.Records[key]; ok {
		claimedAt = r.ClaimOffset
	}
	c.reg.mu.Unlock()
	value, err := encodeRecord(kind, name, spec, claimedAt, c.cfg.principal())
	if err != nil {
		return 0, err
	}
	return c.produceRecord(ctx, key, value)
}

// DeleteRecord writes a tombstone for an object, which compaction later
// removes entirely. Deleting from a registry that does not exist does
// nothing.
func (c *Client) DeleteRecord(ctx context.Context, kind, name string) error {
	snap, err := c.Registry(ctx)
	if err != nil {
		return err
	}
	if !snap.Exists {
		return nil
	}
	_, err = c.produceRecord(ctx, RecordKey(kind, name), nil)
	return err
}

// RegistryTopic returns the name of the registry topic.
func (c *Client) RegistryTopic() string { return c.reg.topic }

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
	if c.foldOwnRecord(key, value, rec.Offset) {
		return rec.Offset, nil
	}
	if _, err := c.RefreshRegistry(ctx); err != nil {
		return rec.Offset, err
	}
	return rec.Offset, nil
}

// foldOwnRecord adds a record this client wrote, acknowledged at offset,
// to the cached registry without reading it back, when every record before
// it has been read or written here: a write then costs no read. It reports
// whether it did; when another writer's records come first, or the record
// is behind what was read, the caller reads the registry instead. Fresh
// reads check the topic's ID, so a registry replaced meanwhile is found
// by the next of them.
func (c *Client) foldOwnRecord(key string, value []byte, offset int64) bool {
	c.reg.mu.Lock()
	defer c.reg.mu.Unlock()
	if !c.reg.loaded || !c.reg.snap.Exists || offset < c.reg.snap.Next {
		// Behind what was read: the caller reads again, which also finds a
		// registry topic replaced since the last read.
		return false
	}
	if c.reg.own == nil {
		c.reg.own = map[int64]ownRecord{}
	}
	c.reg.own[offset] = ownRecord{key: key, value: value}
	if _, ok := c.reg.own[c.reg.snap.Next]; !ok {
		return false
	}
	// Callers hold the cached maps: fold into a copy and replace it.
	snap := cloneSnapshot(c.reg.snap)
	for {
		r, ok := c.reg.own[snap.Next]
		if !ok {
			break
		}
		delete(c.reg.own, snap.Next)
		applyRecord(&snap, []byte(r.key), r.value, snap.Next)
		snap.Next++
	}
	snap.Generation++
	c.reg.snap = snap
	return offset < snap.Next
}

// ensureRegistry creates the registry topic if the last read found none:
// one partition, compacted, replicated as widely as the cluster allows (up
// to three). Only writes call it, so a plan never creates the topic.
func (c *Client) ensureRegistry(ctx context.Context) error {
	c.reg.createMu.Lock()
	defer c.reg.createMu.Unlock()
	snap, err := c.Registry(ctx)
	if err != nil {
		return err
	}
	if snap.Exists {
		return nil
	}
	brokers, err := c.Brokers(ctx)
	if err != nil {
		return err
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
	if err != nil && !errors.Is(err, ErrAlreadyExists) {
		return fmt.Errorf("creating the registry topic %q: %w", c.reg.topic, err)
	}
	// Another process may have created it at the same moment; either way
	// it exists now, and a fresh read learns its ID and leader.
	_, err = c.RefreshRegistry(ctx)
	return err
}
