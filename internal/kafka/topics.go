package kafka

import (
	"context"
	"errors"
	"fmt"
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
	// Leaders maps each partition to the broker that leads it.
	Leaders map[int32]int32
	// Replicas maps each partition to its replica list, leader first.
	Replicas map[int32][]int32
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
	adm, err := c.admin(ctx)
	if err != nil {
		return nil, err
	}
	kcl, err := c.kgoClient(ctx)
	if err != nil {
		return nil, err
	}
	var (
		meta     *kmsg.MetadataResponse
		configs  kadm.ResourceConfigs
		metaErr  error
		cfgErr   error
		finished = make(chan struct{})
	)
	// Metadata and configs are independent; ask for both at once.
	go func() {
		defer close(finished)
		configs, cfgErr = adm.DescribeTopicConfigs(ctx, names...)
	}()
	meta, metaErr = freshMetadata(ctx, kcl, names)
	<-finished
	if metaErr != nil {
		return nil, fmt.Errorf("metadata request: %w", metaErr)
	}
	if cfgErr != nil {
		return nil, fmt.Errorf("describe configs request: %w", cfgErr)
	}

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
		out[*t.Topic] = describe(t)
	}
	for _, rc := range configs {
		d, ok := out[rc.Name]
		if !ok {
			continue
		}
		if errors.Is(rc.Err, kerr.UnknownTopicOrPartition) {
			// The two requests run at once, so a topic created or deleted
			// between them is in one answer only. Report it missing, as the
			// configs request saw it; callers waiting for it ask again.
			delete(out, rc.Name)
			continue
		}
		if rc.Err != nil {
			return nil, fmt.Errorf("configs of topic %q: %w", rc.Name, rc.Err)
		}
		for _, cfg := range rc.Configs {
			if cfg.Source == kmsg.ConfigSourceDynamicTopicConfig && cfg.Value != nil {
				d.DynamicConfigs[cfg.Key] = *cfg.Value
			}
		}
	}
	return out, nil
}

// freshMetadata asks the brokers for the named topics. kadm's topic
// listing answers from franz-go's metadata cache, which also remembers
// "unknown topic" answers for MetadataMinAge: a topic found missing by the
// plan-time existence check would still look missing right after
// CreateTopic, and awaitTopic would poll, once per backoff step, until the
// cache expired. The coalescer already shares reads, so the cache saves
// nothing here and a direct request is both fresher and cheaper.
func freshMetadata(ctx context.Context, kcl *kgo.Client, names []string) (*kmsg.MetadataResponse, error) {
	req := kmsg.NewPtrMetadataRequest()
	// Describing a topic must never create it on brokers that allow
	// auto-creation.
	req.AllowAutoTopicCreation = false
	for _, name := range names {
		t := kmsg.NewMetadataRequestTopic()
		t.Topic = kmsg.StringPtr(name)
		req.Topics = append(req.Topics, t)
	}
	return req.RequestWith(ctx, kcl)
}

func describe(t kmsg.MetadataResponseTopic) TopicDescription {
	d := TopicDescription{
		Name:           *t.Topic,
		Partitions:     int32(len(t.Partitions)),
		Leaders:        make(map[int32]int32, len(t.Partitions)),
		Replicas:       make(map[int32][]int32, len(t.Partitions)),
		DynamicConfigs: map[string]string{},
	}
	if t.TopicID != ([16]byte{}) {
		d.ID = kadm.TopicID(t.TopicID).String()
	}
	for _, p := range t.Partitions {
		d.Leaders[p.Partition] = p.Leader
		d.Replicas[p.Partition] = p.Replicas
		if p.Partition == 0 {
			d.ReplicationFactor = int16(len(p.Replicas))
		}
	}
	return d
}

// ListTopics returns every topic on the cluster that the principal may
// describe, internal topics included, with partition counts and configs
// left out.
func (c *Client) ListTopics(ctx context.Context) (map[string]int32, error) {
	adm, err := c.admin(ctx)
	if err != nil {
		return nil, err
	}
	details, err := adm.ListTopicsWithInternal(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing topics: %w", err)
	}
	out := make(map[string]int32, len(details))
	for name, td := range details {
		if td.Err == nil {
			out[name] = int32(len(td.Partitions))
		}
	}
	return out, nil
}

// CreateTopic creates the topic and returns its description. It returns an
// error wrapping ErrAlreadyExists when a topic of that name exists.
func (c *Client) CreateTopic(ctx context.Context, spec TopicSpec) (TopicDescription, error) {
	adm, err := c.admin(ctx)
	if err != nil {
		return TopicDescription{}, err
	}
	configs := make(map[string]*string, len(spec.Configs))
	for k, v := range spec.Configs {
		configs[k] = &v
	}
	resp, err := adm.CreateTopic(ctx, spec.Partitions, spec.ReplicationFactor, configs, spec.Name)
	if errors.Is(err, kerr.TopicAlreadyExists) {
		c.forgetTopic(spec.Name)
		return TopicDescription{}, fmt.Errorf("topic %q: %w", spec.Name, ErrAlreadyExists)
	}
	if err != nil {
		return TopicDescription{}, fmt.Errorf("creating topic %q: %w", spec.Name, withMessage(err, resp.ErrMessage))
	}
	// A new topic takes a moment to appear in every broker's metadata.
	return c.awaitTopic(ctx, spec.Name, func(d TopicDescription) bool { return d.Partitions == spec.Partitions })
}

// awaitTopic re-describes the topic until ready accepts the description or
// ctx ends, for changes that brokers apply asynchronously.
func (c *Client) awaitTopic(ctx context.Context, name string, ready func(TopicDescription) bool) (TopicDescription, error) {
	backoff := 50 * time.Millisecond
	for {
		d, err := c.DescribeTopic(ctx, name)
		if err == nil && ready(d) {
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
// returns an error wrapping ErrNotFound.
func (c *Client) DeleteTopic(ctx context.Context, name string) error {
	adm, err := c.admin(ctx)
	if err != nil {
		return err
	}
	resp, err := adm.DeleteTopic(ctx, name)
	if errors.Is(err, kerr.UnknownTopicOrPartition) {
		return fmt.Errorf("topic %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("deleting topic %q: %w", name, withMessage(err, resp.ErrMessage))
	}
	c.forgetTopic(name)
	return nil
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
	return nil
}

// SetPartitions grows the topic to total partitions. Kafka cannot remove
// partitions; callers check that total is not lower than the current count.
func (c *Client) SetPartitions(ctx context.Context, name string, total int32) error {
	adm, err := c.admin(ctx)
	if err != nil {
		return err
	}
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
