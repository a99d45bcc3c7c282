package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
	"golang.org/x/sync/errgroup"
)

// maxSnapshotConfigTopics is the most topics whose configs a snapshot loads
// up front. On larger clusters the snapshot still holds every topic's
// partitions, but configs are fetched, in shared batches, only for the
// topics a plan asks about: the ones its configuration touches.
const maxSnapshotConfigTopics = 20000

// configsPerRequest caps the topics of one DescribeConfigs request of a
// snapshot load, keeping each answer to a few megabytes.
const configsPerRequest = 2000

// Snapshot is the cluster as this process read it: every topic with its
// partitions and the configs set on it, every ACL binding, every client
// quota, every SCRAM user, the brokers and the registry. It is loaded once,
// by the first caller of Client.Snapshot, in a fixed number of batched
// requests however many objects the cluster holds, and every plan-time read
// is served from memory after that.
//
// The snapshot follows this process's own writes (a topic the client
// creates is in it at once) and every fresh read the client makes, but
// never other processes' writes: checks made while applying read the
// cluster again through the Client's other methods. It is safe for
// concurrent use. Values it returns are copies the caller may keep; the
// maps inside a TopicDescription must not be modified.
type Snapshot struct {
	c *Client

	mu                sync.RWMutex
	brokers           []int32
	topics            map[string]TopicDescription
	configsKnown      map[string]bool
	configKeys        map[string]bool
	acls              map[string][]ACL
	quotas            map[string]ClientQuota
	scram             map[string][]SCRAMCredential
	idempotentByTopic bool
}

// Snapshot returns this process's snapshot of the cluster, loading it on
// the first call. Concurrent first calls share one load; a failed load is
// reported to every caller and not retried, as a provider process that
// cannot read the cluster once will not read it a second time either.
func (c *Client) Snapshot(ctx context.Context) (*Snapshot, error) {
	c.snapOnce.Do(func() {
		mark := c.startRead()
		s := &Snapshot{c: c}
		if err := s.load(ctx); err != nil {
			c.snapErr = err
			c.endRead(mark, nil)
			return
		}
		c.publish(mark, s)
	})
	c.snapMu.RLock()
	defer c.snapMu.RUnlock()
	if c.snap == nil {
		if c.snapErr == nil {
			return nil, errors.New("the cluster snapshot is not loaded")
		}
		return nil, c.snapErr
	}
	return c.snap, nil
}

// SnapshotLoaded reports whether the snapshot has been loaded, without
// loading it: a plan that refreshed resources has one, and a plan whose
// resources all equal their state (terraform plan -refresh=false) needs
// none.
func (c *Client) SnapshotLoaded() bool {
	return c.loadedSnapshot() != nil
}

// loadedSnapshot returns the snapshot if it is loaded, for the writes and
// fresh reads that keep it current, or nil.
func (c *Client) loadedSnapshot() *Snapshot {
	c.snapMu.RLock()
	defer c.snapMu.RUnlock()
	return c.snap
}

// load reads everything: one Metadata request for all topics, then at once
// the topic configs (one DescribeConfigs per configsPerRequest topics),
// DescribeACLs, DescribeClientQuotas and DescribeUserSCRAMCredentials for
// everything, ApiVersions, and the registry.
func (s *Snapshot) load(ctx context.Context) error {
	c := s.c
	if _, err := c.admin(ctx); err != nil {
		return err
	}
	meta := c.takeFirstMetadata()
	if meta == nil {
		var err error
		if meta, err = c.readMetadata(ctx, nil); err != nil {
			return fmt.Errorf("reading the cluster's topics: %w", err)
		}
	}
	s.brokers = brokerIDs(meta)
	s.idempotentByTopic = kafka28(meta)
	s.topics = make(map[string]TopicDescription, len(meta.Topics))
	var registryMeta *kmsg.MetadataResponseTopic
	for i, t := range meta.Topics {
		if t.Topic == nil || kerr.ErrorForCode(t.ErrorCode) != nil {
			continue
		}
		s.topics[*t.Topic] = describe(t)
		if *t.Topic == c.reg.topic {
			registryMeta = &meta.Topics[i]
		}
	}

	g, gctx := errgroup.WithContext(ctx)
	names := slices.Sorted(mapKeys(s.topics))
	// configsKnown is filled here for every topic, or above the limit
	// only for the topics a plan asks about.
	if len(names) > c.snapshotConfigTopics {
		s.configsKnown = map[string]bool{}
	} else {
		s.configsKnown = make(map[string]bool, len(names))
		var mu sync.Mutex
		for chunk := range slices.Chunk(names, configsPerRequest) {
			g.Go(func() error {
				configs, keys, err := c.describeTopicConfigs(gctx, chunk)
				if err != nil {
					return err
				}
				mu.Lock()
				defer mu.Unlock()
				for name, dc := range configs {
					d := s.topics[name]
					d.DynamicConfigs = dc
					s.topics[name] = d
					s.configsKnown[name] = true
				}
				if s.configKeys == nil {
					s.configKeys = keys
				}
				return nil
			})
		}
	}
	g.Go(func() error {
		acls, err := c.describeAllACLs(gctx)
		s.acls = indexACLs(acls)
		return err
	})
	g.Go(func() error {
		quotas, err := c.describeAllQuotas(gctx)
		s.quotas = indexQuotas(quotas)
		return err
	})
	g.Go(func() error {
		users, err := c.describeSCRAMUsers(gctx)
		s.scram = users
		return err
	})
	g.Go(func() error {
		c.reg.loadMu.Lock()
		defer c.reg.loadMu.Unlock()
		_, err := c.refreshRegistryLocked(gctx, meta, registryMeta)
		return err
	})
	return g.Wait()
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func brokerIDs(meta *kmsg.MetadataResponse) []int32 {
	out := make([]int32, 0, len(meta.Brokers))
	for _, b := range meta.Brokers {
		out = append(out, b.NodeID)
	}
	slices.Sort(out)
	return out
}

func indexACLs(acls []ACL) map[string][]ACL {
	out := map[string][]ACL{}
	for _, a := range acls {
		out[a.Principal] = append(out[a.Principal], a)
	}
	return out
}

func indexQuotas(quotas []ClientQuota) map[string]ClientQuota {
	out := make(map[string]ClientQuota, len(quotas))
	for _, q := range quotas {
		out[EntityKey(q.Entity)] = q
	}
	return out
}

// Brokers returns the IDs of the brokers, sorted.
func (s *Snapshot) Brokers() []int32 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.brokers)
}

// Topic returns the named topic with the configs set on it, and whether it
// exists. On a cluster too large for the snapshot to hold every topic's
// configs, the first call for a topic fetches them, shared with other
// callers asking at the same moment.
func (s *Snapshot) Topic(ctx context.Context, name string) (TopicDescription, bool, error) {
	s.mu.RLock()
	d, ok := s.topics[name]
	known := s.configsKnown[name]
	s.mu.RUnlock()
	if !ok {
		return TopicDescription{}, false, nil
	}
	if known {
		return d, true, nil
	}
	fresh, err := s.c.DescribeTopic(ctx, name)
	if errors.Is(err, ErrNotFound) {
		return TopicDescription{}, false, nil
	}
	if err != nil {
		return TopicDescription{}, false, err
	}
	return fresh, true, nil
}

// HasTopic reports whether the named topic exists.
func (s *Snapshot) HasTopic(name string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.topics[name]
	return ok
}

// TopicPartitions returns every topic's partition count.
func (s *Snapshot) TopicPartitions() map[string]int32 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]int32, len(s.topics))
	for name, d := range s.topics {
		out[name] = d.Partitions
	}
	return out
}

// TopicLayout is a topic's shape as metadata reports it, without configs.
type TopicLayout struct {
	// Name is the topic name.
	Name string
	// Partitions is the partition count.
	Partitions int32
	// ReplicationFactor is the replica count of partition 0.
	ReplicationFactor int16
}

// TopicLayouts returns the layout of every topic whose name starts with
// prefix (every topic for an empty prefix), sorted by name. It reads no
// configs, so it costs no request however many topics the cluster holds.
func (s *Snapshot) TopicLayouts(prefix string) []TopicLayout {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []TopicLayout
	for name, d := range s.topics {
		if strings.HasPrefix(name, prefix) {
			out = append(out, TopicLayout{Name: name, Partitions: d.Partitions, ReplicationFactor: d.ReplicationFactor})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// TopicReplicas returns, for every topic, its partition replicas:
// partitions times replication factor, as each replica occupies a broker.
func (s *Snapshot) TopicReplicas() map[string]int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]int, len(s.topics))
	for name, d := range s.topics {
		n := 0
		for _, r := range d.Replicas {
			n += len(r)
		}
		out[name] = n
	}
	return out
}

// TopicsWithPrefix returns the names of the topics starting with prefix,
// sorted; none for an empty prefix.
func (s *Snapshot) TopicsWithPrefix(prefix string) []string {
	if prefix == "" {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []string
	for name := range s.topics {
		if strings.HasPrefix(name, prefix) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// PartitionLeaders returns the distinct brokers that lead the partitions
// of the named topics, sorted.
func (s *Snapshot) PartitionLeaders(topics []string) []int32 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	seen := map[int32]bool{}
	for _, t := range topics {
		for _, l := range s.topics[t].Leaders {
			if l >= 0 {
				seen[l] = true
			}
		}
	}
	return slices.Sorted(func(yield func(int32) bool) {
		for b := range seen {
			if !yield(b) {
				return
			}
		}
	})
}

// TopicConfigKeys returns every topic-level config key the brokers reported
// in the snapshot's DescribeConfigs answers, vendor keys included, or nil
// when the snapshot holds no topic's configs.
func (s *Snapshot) TopicConfigKeys() map[string]bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.configKeys == nil {
		return nil
	}
	out := make(map[string]bool, len(s.configKeys))
	for k := range s.configKeys {
		out[k] = true
	}
	return out
}

// ACLs returns the bindings of principal, sorted, or every binding when
// principal is empty.
func (s *Snapshot) ACLs(principal string) []ACL {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []ACL
	if principal != "" {
		out = slices.Clone(s.acls[principal])
	} else {
		for _, list := range s.acls {
			out = append(out, list...)
		}
	}
	SortACLs(out)
	return out
}

// Quotas returns every client quota, sorted by entity.
func (s *Snapshot) Quotas() []ClientQuota {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]ClientQuota, 0, len(s.quotas))
	for _, q := range s.quotas {
		out = append(out, cloneQuota(q))
	}
	sort.Slice(out, func(i, j int) bool { return EntityKey(out[i].Entity) < EntityKey(out[j].Entity) })
	return out
}

// Quota returns the values set on exactly one entity; an entity without
// quotas gives an empty map.
func (s *Snapshot) Quota(entity []QuotaComponent) map[string]float64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := map[string]float64{}
	for k, v := range s.quotas[EntityKey(entity)].Values {
		out[k] = v
	}
	return out
}

// SCRAMUsers returns every user with a SCRAM credential, sorted.
func (s *Snapshot) SCRAMUsers() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Sorted(mapKeys(s.scram))
}

// SCRAMCredentials returns the user's credentials, none when it has none.
func (s *Snapshot) SCRAMCredentials(user string) []SCRAMCredential {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.scram[user])
}

// IdempotentWriteByTopic reports whether the brokers let a principal with
// WRITE on any topic initialise an idempotent producer (KIP-679, Kafka
// 2.8), judged by the broker the snapshot was read from.
func (s *Snapshot) IdempotentWriteByTopic() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.idempotentByTopic
}

// Registry returns the registry as the client last read it.
func (s *Snapshot) Registry() RegistrySnapshot {
	return s.c.registrySnapshot()
}

func cloneQuota(q ClientQuota) ClientQuota {
	out := ClientQuota{Entity: slices.Clone(q.Entity), Values: make(map[string]float64, len(q.Values))}
	for k, v := range q.Values {
		out.Values[k] = v
	}
	return out
}

// The methods below keep a loaded snapshot current with what this client
// wrote or read fresh, through Client.wrote and Client.endRead. They do
// nothing on a nil snapshot.

func (s *Snapshot) putTopic(d TopicDescription) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.topics[d.Name] = d
	s.configsKnown[d.Name] = true
}

// seenTopics records a read of the named topics: those found are put,
// the others removed.
func (s *Snapshot) seenTopics(names []string, found map[string]TopicDescription) {
	for _, name := range names {
		if d, ok := found[name]; ok {
			s.putTopic(d)
		} else {
			s.removeTopic(name)
		}
	}
}

func (s *Snapshot) removeTopic(name string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.topics, name)
	delete(s.configsKnown, name)
}

func (s *Snapshot) alterTopicConfigs(name string, set map[string]string, reset []string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.topics[name]
	if !ok || !s.configsKnown[name] {
		return
	}
	configs := make(map[string]string, len(d.DynamicConfigs)+len(set))
	for k, v := range d.DynamicConfigs {
		configs[k] = v
	}
	for k, v := range set {
		configs[k] = v
	}
	for _, k := range reset {
		delete(configs, k)
	}
	d.DynamicConfigs = configs
	s.topics[name] = d
}

// putTopicMetadata replaces every topic's partitions with a fresh metadata
// answer for all topics: topics gone from it are removed, new ones are
// added with their configs still to be fetched, and configs are kept for
// topics whose ID did not change.
func (s *Snapshot) putTopicMetadata(meta *kmsg.MetadataResponse) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.brokers = brokerIDs(meta)
	next := make(map[string]TopicDescription, len(meta.Topics))
	for _, t := range meta.Topics {
		if t.Topic == nil || kerr.ErrorForCode(t.ErrorCode) != nil {
			continue
		}
		d := describe(t)
		if old, ok := s.topics[d.Name]; ok && old.ID == d.ID && s.configsKnown[d.Name] {
			d.DynamicConfigs = old.DynamicConfigs
		} else {
			delete(s.configsKnown, d.Name)
		}
		next[d.Name] = d
	}
	for name := range s.configsKnown {
		if _, ok := next[name]; !ok {
			delete(s.configsKnown, name)
		}
	}
	s.topics = next
}

func (s *Snapshot) changeACLs(add, remove []ACL) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range remove {
		s.acls[a.Principal] = slices.DeleteFunc(s.acls[a.Principal], func(b ACL) bool { return b == a })
	}
	for _, a := range add {
		if !slices.Contains(s.acls[a.Principal], a) {
			s.acls[a.Principal] = append(s.acls[a.Principal], a)
		}
	}
}

func (s *Snapshot) putACLs(acls []ACL) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.acls = indexACLs(acls)
}

func (s *Snapshot) alterQuota(entity []QuotaComponent, set map[string]float64, remove []string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := EntityKey(entity)
	q, ok := s.quotas[key]
	if !ok {
		q = ClientQuota{Entity: slices.Clone(entity), Values: map[string]float64{}}
	} else {
		q = cloneQuota(q)
	}
	for k, v := range set {
		q.Values[k] = v
	}
	for _, k := range remove {
		delete(q.Values, k)
	}
	if len(q.Values) == 0 {
		delete(s.quotas, key)
		return
	}
	s.quotas[key] = q
}

func (s *Snapshot) putQuotas(quotas []ClientQuota) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.quotas = indexQuotas(quotas)
}

func (s *Snapshot) setSCRAM(user, mechanism string, iterations int32) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	creds := slices.DeleteFunc(slices.Clone(s.scram[user]), func(c SCRAMCredential) bool { return c.Mechanism == mechanism })
	s.scram[user] = append(creds, SCRAMCredential{Mechanism: mechanism, Iterations: iterations})
}

func (s *Snapshot) deleteSCRAM(user, mechanism string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	creds := slices.DeleteFunc(slices.Clone(s.scram[user]), func(c SCRAMCredential) bool { return c.Mechanism == mechanism })
	if len(creds) == 0 {
		delete(s.scram, user)
		return
	}
	s.scram[user] = creds
}

func (s *Snapshot) putSCRAMUsers(users map[string][]SCRAMCredential) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scram = users
}

// RegistryGeneration returns the registry's generation, which changes
// whenever its records do, so that callers can tell whether what they
// derived from Registry is still current without copying it.
func (s *Snapshot) RegistryGeneration() uint64 {
	s.c.reg.mu.Lock()
	defer s.c.reg.mu.Unlock()
	return s.c.reg.snap.Generation
}
