package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// TopicDescription is what the cluster reports about one topic.
type TopicDescription struct {
	// Name is the topic name.
	Name string
	// ID is the topic's UUID in its canonical text form, or empty on
	// clusters that predate topic IDs.
	ID string
	// Partitions is the partition count.
	Partitions int32
	// ReplicationFactor is the replica count of partition 0; Kafka keeps
	// it uniform unless reassignments made it otherwise.
	ReplicationFactor int16
	// Leaders holds, at each partition's index, the broker that leads it:
	// -1 for a partition without a leader or missing from the answer.
	// Slices rather than maps: a snapshot holds one description per topic
	// of the cluster, and a one-entry map costs several times its entry.
	Leaders []int32
	// Replicas holds, at each partition's index, its replica list, leader
	// first; nil for a partition missing from the answer.
	Replicas [][]int32
	// DynamicConfigs holds the configs set on the topic itself (source
	// DYNAMIC_TOPIC_CONFIG); broker and built-in defaults are left out.
	DynamicConfigs map[string]string
}

// TopicSpec describes a topic to create.
type TopicSpec struct {
	Name              string
	Partitions        int32
	ReplicationFactor int16
	Configs           map[string]string
}

// DescribeTopic returns the named topic, or an error wrapping ErrNotFound.
// Concurrent calls share one Metadata and one DescribeConfigs request.
func (c *Client) DescribeTopic(ctx context.Context, name string) (TopicDescription, error) {
	if _, err := c.admin(ctx); err != nil {
		return TopicDescription{}, err
	}
	d, ok, err := c.topics.get(ctx, name)
	if err != nil {
		return TopicDescription{}, fmt.Errorf("describing topic %q: %w", name, err)
	}
	if !ok {
		return TopicDescription{}, fmt.Errorf("topic %q: %w", name, ErrNotFound)
	}
	return d, nil
}

// describeTopics is the batched fetch behind DescribeTopic. Topics missing
// from the cluster are absent from the result.
func (c *Client) describeTopics(ctx context.Context, names []string) (map[string]TopicDescription, error) {
	return readInto(ctx, c, func(ctx context.Context) (map[string]TopicDescription, error) {
		return c.readTopics(ctx, names)
	}, func(s *Snapshot, found map[string]TopicDescription) { s.seenTopics(names, found) })
}

// readTopics reads the named topics' metadata and configs at once.
func (c *Client) readTopics(ctx context.Context, names []string) (map[string]TopicDescription, error) {
	var (
		configs  map[string]map[string]string
		cfgErr   error
		finished = make(chan struct{})
	)
	// Metadata and configs are independent; ask for both at once.
	go func() {
		defer close(finished)
		configs, _, cfgErr = c.describeTopicConfigs(ctx, names)
	}()
	meta, metaErr := c.readMetadata(ctx, names)
	<-finished
	if metaErr != nil {
		return nil, fmt.Errorf("metadata request: %w", metaErr)
	}
	if cfgErr != nil {
		return nil, cfgErr
	}
	return describedTopics(names, meta, configs)
}

// describeCreated describes topics just created, whose configs are known
// from their CreateTopics answers, with a metadata request alone. Any topic
// whose configs are not known sends the whole batch to readTopics. The
// snapshot learns of the topics from awaitCreated, as this client's write.
func (c *Client) describeCreated(ctx context.Context, names []string, configs map[string]map[string]string) (map[string]TopicDescription, error) {
	for _, name := range names {
		if _, ok := configs[name]; !ok {
			return c.readTopics(ctx, names)
		}
	}
	meta, err := c.readMetadata(ctx, names)
	if err != nil {
		return nil, fmt.Errorf("metadata request: %w", err)
	}
	return describedTopics(names, meta, configs)
}

// describedTopics combines a metadata answer for names with the configs
// of each topic and returns the described topics. A topic in only one of
// the two is reported missing.
func describedTopics(names []string, meta *kmsg.MetadataResponse, configs map[string]map[string]string) (map[string]TopicDescription, error) {
	asked := make(map[string]bool, len(names))
	for _, name := range names {
		asked[name] = true
	}
	out := make(map[string]TopicDescription, len(names))
	for _, t := range meta.Topics {
		if t.Topic == nil || !asked[*t.Topic] {
			continue
		}
		err := kerr.ErrorForCode(t.ErrorCode)
		if errors.Is(err, kerr.UnknownTopicOrPartition) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("topic %q: %w", *t.Topic, err)
		}
		d := describe(t)
		dc, ok := configs[d.Name]
		if !ok {
			// The two requests run at once, so a topic created or deleted
			// between them is in one answer only. Report it missing, as the
			// configs request saw it; callers waiting for it ask again.
			continue
		}
		d.DynamicConfigs = dc
		out[d.Name] = d
	}
	return out, nil
}

// describeTopicConfigs returns the configs set on each named topic (source
// DYNAMIC_TOPIC_CONFIG; broker and built-in defaults are left out) and
// every config key the brokers reported, defaults included. Topics that do
// not exist are absent from the result.
func (c *Client) describeTopicConfigs(ctx context.Context, names []string) (map[string]map[string]string, map[string]bool, error) {
	req := kmsg.NewPtrDescribeConfigsRequest()
	for _, name := range names {
		r := kmsg.NewDescribeConfigsRequestResource()
		r.ResourceType, r.ResourceName = kmsg.ConfigResourceTypeTopic, name
		req.Resources = append(req.Resources, r)
	}
	raw, err := c.read(ctx, req)
	if err != nil {
		return nil, nil, fmt.Errorf("describe configs request: %w", err)
	}
	resp := raw.(*kmsg.DescribeConfigsResponse)
	out := make(map[string]map[string]string, len(names))
	keys := map[string]bool{}
	for _, r := range resp.Resources {
		err := kerr.ErrorForCode(r.ErrorCode)
		if errors.Is(err, kerr.UnknownTopicOrPartition) {
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("configs of topic %q: %w", r.ResourceName, withMessage(err, deref(r.ErrorMessage)))
		}
		dc := map[string]string{}
		for _, cfg := range r.Configs {
			keys[cfg.Name] = true
			if cfg.Source == kmsg.ConfigSourceDynamicTopicConfig && cfg.Value != nil {
				dc[cfg.Name] = *cfg.Value
			}
		}
		out[r.ResourceName] = dc
	}
	return out, keys, nil
}

func describe(t kmsg.MetadataResponseTopic) TopicDescription {
	// Partitions are numbered from 0; an answer missing one leaves a gap.
	// Kafka lists every partition, so an ID far past the count is a broken
	// answer, and is left out rather than sizing the slices by it.
	limit := 2*len(t.Partitions) + 1
	indexes := 0
	for _, p := range t.Partitions {
		if p.Partition >= 0 && int(p.Partition) < limit {
			indexes = max(indexes, int(p.Partition)+1)
		}
	}
	d := TopicDescription{
		Name:           *t.Topic,
		Partitions:     int32(len(t.Partitions)),
		Leaders:        slices.Repeat([]int32{-1}, indexes),
		Replicas:       make([][]int32, indexes),
		DynamicConfigs: map[string]string{},
	}
	if t.TopicID != ([16]byte{}) {
		d.ID = kadm.TopicID(t.TopicID).String()
	}
	for _, p := range t.Partitions {
		if p.Partition < 0 || int(p.Partition) >= indexes {
			continue
		}
		d.Leaders[p.Partition] = p.Leader
		d.Replicas[p.Partition] = p.Replicas
		if p.Partition == 0 {
			d.ReplicationFactor = int16(len(p.Replicas))
		}
	}
	return d
}

// ListTopics returns every topic on the cluster that the principal may
// describe, internal topics included, with its partition count. It asks
// the cluster afresh; concurrent calls share one request.
func (c *Client) ListTopics(ctx context.Context) (map[string]int32, error) {
	meta, err := c.allTopics.get(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing topics: %w", err)
	}
	out := make(map[string]int32, len(meta.Topics))
	for _, t := range meta.Topics {
		if t.Topic != nil && kerr.ErrorForCode(t.ErrorCode) == nil {
			out[*t.Topic] = int32(len(t.Partitions))
		}
	}
	return out, nil
}

// CreateTopic creates the topic and returns its description once the
// brokers report it. It returns an error wrapping ErrAlreadyExists when a
// topic of that name exists. Concurrent calls share one CreateTopics
// request and one wait for the new topics to appear.
func (c *Client) CreateTopic(ctx context.Context, spec TopicSpec) (TopicDescription, error) {
	if _, err := c.admin(ctx); err != nil {
		return TopicDescription{}, err
	}
	c.dropFirstMetadata()
	return c.createTopics.do(ctx, spec)
}

// createTopicBatch sends one CreateTopics request for the batch, then waits
// until every topic it created is described with its partitions.
func (c *Client) createTopicBatch(ctx context.Context, specs []TopicSpec) []batchResult[TopicDescription] {
	results := make([]batchResult[TopicDescription], len(specs))
	kcl, err := c.kgoClient(ctx)
	if err != nil {
		return failAll[TopicDescription](len(specs), err)
	}
	// The configs each created topic was given, as its CreateTopics answer
	// reported them; a topic absent here is described afresh instead.
	configs := map[string]map[string]string{}
	for _, run := range uniqueRuns(specs, func(s TopicSpec) string { return s.Name }) {
		var created []int
		for backoff := 100 * time.Millisecond; len(run) > 0; backoff = min(2*backoff, time.Second) {
			var again []int
			created, again = c.createTopicsOnce(ctx, kcl, specs, run, results, created, configs)
			if len(again) == 0 || !sleepCtx(ctx, backoff) {
				break
			}
			run = again
		}
		c.awaitCreated(ctx, specs, created, results, configs)
	}
	return results
}

// sleepCtx waits for d, or less if ctx ends first; it reports whether the
// whole wait passed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// createTopicsOnce sends one CreateTopics request for the specs of run,
// records each topic's outcome in results, and returns the created ones
// added to created and the ones to ask for again: those whose answer was a
// retriable error, such as REQUEST_TIMED_OUT from a controller that may
// have created them all the same. Asked again, such a topic answers
// TOPIC_ALREADY_EXISTS, and the caller decides whether it is its own.
// The configs a created topic's answer reports (CreateTopics v5, KIP-525)
// are put in configs.
func (c *Client) createTopicsOnce(ctx context.Context, kcl *kgo.Client, specs []TopicSpec, run []int, results []batchResult[TopicDescription], created []int, configs map[string]map[string]string) ([]int, []int) {
	var again []int
	req := kmsg.NewPtrCreateTopicsRequest()
	req.TimeoutMillis = int32(c.cfg.timeout().Milliseconds())
	for _, i := range run {
		s := specs[i]
		t := kmsg.NewCreateTopicsRequestTopic()
		t.Topic, t.NumPartitions, t.ReplicationFactor = s.Name, s.Partitions, s.ReplicationFactor
		if t.NumPartitions == 0 {
			t.NumPartitions = -1
		}
		if t.ReplicationFactor == 0 {
			t.ReplicationFactor = -1
		}
		for _, k := range sortedKeys(s.Configs) {
			cfg := kmsg.NewCreateTopicsRequestTopicConfig()
			cfg.Name, cfg.Value = k, kmsg.StringPtr(s.Configs[k])
			t.Configs = append(t.Configs, cfg)
		}
		req.Topics = append(req.Topics, t)
	}
	raw, err := req.RequestWith(ctx, kcl)
	if err != nil {
		for _, i := range run {
			results[i].err = fmt.Errorf("creating topic %q: %w", specs[i].Name, err)
		}
		return created, nil
	}
	answered := map[string]error{}
	for _, t := range raw.Topics {
		answered[t.Topic] = withMessage(kerr.ErrorForCode(t.ErrorCode), deref(t.ErrorMessage))
		if t.ErrorCode == 0 {
			answered[t.Topic] = nil
			if set, ok := createdConfigs(raw.GetVersion(), t); ok {
				configs[t.Topic] = set
			}
		}
	}
	for _, i := range run {
		name := specs[i].Name
		err, ok := answered[name]
		results[i].err = nil
		switch {
		case !ok:
			results[i].err = fmt.Errorf("creating topic %q: the cluster did not answer for the topic", name)
		case errors.Is(err, kerr.TopicAlreadyExists):
			c.forgetTopic(name)
			results[i].err = fmt.Errorf("topic %q: %w", name, ErrAlreadyExists)
		case kerr.IsRetriable(err):
			results[i].err = fmt.Errorf("creating topic %q: %w", name, err)
			again = append(again, i)
		case err != nil:
			results[i].err = fmt.Errorf("creating topic %q: %w", name, err)
		default:
			created = append(created, i)
		}
	}
	return created, again
}

// createdConfigs returns the configs set on a topic that a CreateTopics
// answer of the given version reports as created: those whose source is
// the topic itself, or not given. It reports false when the answer holds
// no configs to go by: before version 5, or when the broker could not
// return them (ConfigErrorCode, for a principal without DESCRIBE_CONFIGS).
func createdConfigs(version int16, t kmsg.CreateTopicsResponseTopic) (map[string]string, bool) {
	if version < 5 || t.ConfigErrorCode != 0 {
		return nil, false
	}
	set := map[string]string{}
	for _, cfg := range t.Configs {
		if cfg.Value != nil && (cfg.Source == int8(kmsg.ConfigSourceDynamicTopicConfig) || cfg.Source < 0) {
			set[cfg.Name] = *cfg.Value
		}
	}
	return set, true
}

// awaitCreated waits until every created topic is described with its
// requested partitions, sharing each describe among them. A topic still
// not visible when ctx ends keeps the partial description, so that callers
// record a topic that exists. The configs of topics in configs are taken
// from there rather than described again.
func (c *Client) awaitCreated(ctx context.Context, specs []TopicSpec, created []int, results []batchResult[TopicDescription], configs map[string]map[string]string) {
	backoff := 50 * time.Millisecond
	for len(created) > 0 {
		names := make([]string, len(created))
		for j, i := range created {
			names[j] = specs[i].Name
			c.forgetTopic(specs[i].Name)
		}
		found, err := c.describeCreated(ctx, names, configs)
		var waiting []int
		for _, i := range created {
			d, ok := found[specs[i].Name]
			if err == nil && ok && (specs[i].Partitions <= 0 || d.Partitions == specs[i].Partitions) {
				results[i].val = d
				c.wrote(func(s *Snapshot) { s.putTopic(d) })
				continue
			}
			if ok {
				results[i].val = d
			}
			waiting = append(waiting, i)
		}
		created = waiting
		if len(created) == 0 {
			return
		}
		select {
		case <-ctx.Done():
			for _, i := range created {
				if results[i].val.Name == "" {
					results[i].val = TopicDescription{Name: specs[i].Name, Partitions: specs[i].Partitions, DynamicConfigs: specs[i].Configs}
				}
				results[i].err = fmt.Errorf("topic %q was created but did not appear in the brokers' metadata in time: %w", specs[i].Name, ctx.Err())
			}
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Second)
	}
}

func failAll[Out any](n int, err error) []batchResult[Out] {
	out := make([]batchResult[Out], n)
	for i := range out {
		out[i].err = err
	}
	return out
}

// awaitTopic re-describes the topic until ready accepts the description or
// ctx ends, for changes that brokers apply asynchronously.
func (c *Client) awaitTopic(ctx context.Context, name string, ready func(TopicDescription) bool) (TopicDescription, error) {
	backoff := 50 * time.Millisecond
	for {
		d, err := c.DescribeTopic(ctx, name)
		if err == nil && ready(d) {
			c.wrote(func(s *Snapshot) { s.putTopic(d) })
			return d, nil
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			return TopicDescription{}, err
		}
		select {
		case <-ctx.Done():
			if err != nil {
				return TopicDescription{}, err
			}
			return d, fmt.Errorf("topic %q did not reach the requested state: %w", name, ctx.Err())
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Second)
	}
}

// DeleteTopic deletes the topic. Deleting a topic that does not exist
// returns an error wrapping ErrNotFound. Concurrent calls share one
// DeleteTopics request.
func (c *Client) DeleteTopic(ctx context.Context, name string) error {
	if _, err := c.admin(ctx); err != nil {
		return err
	}
	c.dropFirstMetadata()
	_, err := c.deleteTopics.do(ctx, name)
	return err
}

func (c *Client) deleteTopicBatch(ctx context.Context, names []string) []batchResult[struct{}] {
	results := make([]batchResult[struct{}], len(names))
	kcl, err := c.kgoClient(ctx)
	if err != nil {
		return failAll[struct{}](len(names), err)
	}
	for _, run := range uniqueRuns(names, func(n string) string { return n }) {
		req := kmsg.NewPtrDeleteTopicsRequest()
		req.TimeoutMillis = int32(c.cfg.timeout().Milliseconds())
		for _, i := range run {
			t := kmsg.NewDeleteTopicsRequestTopic()
			t.Topic = kmsg.StringPtr(names[i])
			req.Topics = append(req.Topics, t)
			req.TopicNames = append(req.TopicNames, names[i])
		}
		resp, err := req.RequestWith(ctx, kcl)
		answered := map[string]error{}
		if err == nil {
			for _, t := range resp.Topics {
				if t.Topic != nil {
					answered[*t.Topic] = withMessage(kerr.ErrorForCode(t.ErrorCode), deref(t.ErrorMessage))
					if t.ErrorCode == 0 {
						answered[*t.Topic] = nil
					}
				}
			}
		}
		for _, i := range run {
			name := names[i]
			terr, ok := answered[name]
			switch {
			case err != nil:
				results[i].err = fmt.Errorf("deleting topic %q: %w", name, err)
			case !ok:
				results[i].err = fmt.Errorf("deleting topic %q: the cluster did not answer for the topic", name)
			case errors.Is(terr, kerr.UnknownTopicOrPartition):
				c.wrote(func(s *Snapshot) { s.removeTopic(name) })
				results[i].err = fmt.Errorf("topic %q: %w", name, ErrNotFound)
			case terr != nil:
				results[i].err = fmt.Errorf("deleting topic %q: %w", name, terr)
			default:
				c.forgetTopic(name)
				c.wrote(func(s *Snapshot) { s.removeTopic(name) })
			}
		}
	}
	return results
}

// forgetTopic drops the topic from franz-go's metadata cache after this
// client learned that it exists or is gone. kadm calls that read the cache,
// such as ListEndOffsets, would otherwise act on a stale "unknown topic"
// or a deleted topic's partitions until MetadataMinAge passes; a process
// that lost a race to create the registry topic failed that way.
func (c *Client) forgetTopic(name string) {
	c.mu.Lock()
	kcl := c.kcl
	c.mu.Unlock()
	if kcl != nil {
		kcl.PurgeTopicsFromClient(name)
	}
}

// AlterTopicConfigs changes only the named keys with an incremental alter:
// keys in set are set, keys in reset return to the broker default, and
// every other key on the topic, including those set outside Terraform, is
// left alone.
func (c *Client) AlterTopicConfigs(ctx context.Context, name string, set map[string]string, reset []string) error {
	if len(set) == 0 && len(reset) == 0 {
		return nil
	}
	adm, err := c.admin(ctx)
	if err != nil {
		return err
	}
	alters := make([]kadm.AlterConfig, 0, len(set)+len(reset))
	for _, k := range sortedKeys(set) {
		v := set[k]
		alters = append(alters, kadm.AlterConfig{Op: kadm.SetConfig, Name: k, Value: &v})
	}
	for _, k := range reset {
		alters = append(alters, kadm.AlterConfig{Op: kadm.DeleteConfig, Name: k})
	}
	resps, err := adm.AlterTopicConfigs(ctx, alters, name)
	if err != nil {
		return fmt.Errorf("altering configs of topic %q: %w", name, err)
	}
	for _, r := range resps {
		if r.Err != nil {
			return fmt.Errorf("altering configs of topic %q: %w", name, withMessage(r.Err, r.ErrMessage))
		}
	}
	c.wrote(func(s *Snapshot) { s.alterTopicConfigs(name, set, reset) })
	return nil
}

// SetPartitions grows the topic to total partitions. Kafka cannot remove
// partitions; callers check that total is not lower than the current count.
func (c *Client) SetPartitions(ctx context.Context, name string, total int32) error {
	adm, err := c.admin(ctx)
	if err != nil {
		return err
	}
	c.dropFirstMetadata()
	resps, err := adm.UpdatePartitions(ctx, int(total), name)
	if err != nil {
		return fmt.Errorf("adding partitions to topic %q: %w", name, err)
	}
	r, ok := resps[name]
	if !ok {
		return fmt.Errorf("adding partitions to topic %q: the cluster did not answer for the topic", name)
	}
	if r.Err != nil {
		return fmt.Errorf("adding partitions to topic %q: %w", name, withMessage(r.Err, r.ErrMessage))
	}
	_, err = c.awaitTopic(ctx, name, func(d TopicDescription) bool { return d.Partitions == total })
	return err
}

// withMessage appends the broker's error message, when it sent one, to err.
func withMessage(err error, msg string) error {
	if msg == "" {
		return err
	}
	return fmt.Errorf("%w (%s)", err, msg)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
