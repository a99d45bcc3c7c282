package kafka

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

// topicConfigKeys caches the topic config keys the brokers report.
type topicConfigKeys struct {
	mu   sync.Mutex
	done bool
	keys map[string]bool
}

// TopicConfigKeys returns every topic-level config key the brokers know,
// vendor keys included, as DescribeConfigs of an existing topic lists them.
// A loaded snapshot answers from its own DescribeConfigs; otherwise (no
// snapshot yet, or one too large to hold configs) one topic is described:
// the registry topic when it exists, else the first topic by name. It
// returns nil and no error when the cluster has no topic to describe. The
// answer is cached for the life of the Client; a failed attempt is not.
func (c *Client) TopicConfigKeys(ctx context.Context) (map[string]bool, error) {
	if snap := c.loadedSnapshot(); snap != nil {
		if keys := snap.TopicConfigKeys(); keys != nil {
			return keys, nil
		}
	}
	c.configKeys.mu.Lock()
	defer c.configKeys.mu.Unlock()
	if c.configKeys.done {
		return c.configKeys.keys, nil
	}
	topics, err := c.ListTopics(ctx)
	if err != nil {
		return nil, err
	}
	name := c.reg.topic
	if _, ok := topics[name]; !ok {
		names := make([]string, 0, len(topics))
		for n := range topics {
			names = append(names, n)
		}
		if len(names) == 0 {
			c.configKeys.done = true
			return nil, nil
		}
		sort.Strings(names)
		name = names[0]
	}
	adm, err := c.admin(ctx)
	if err != nil {
		return nil, err
	}
	configs, err := adm.DescribeTopicConfigs(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("describing the configs of topic %q to learn the brokers' topic config keys: %w", name, err)
	}
	rc, err := configs.On(name, nil)
	if err == nil {
		err = rc.Err
	}
	if err != nil {
		return nil, fmt.Errorf("describing the configs of topic %q to learn the brokers' topic config keys: %w", name, err)
	}
	keys := make(map[string]bool, len(rc.Configs))
	for _, cfg := range rc.Configs {
		keys[cfg.Key] = true
	}
	c.configKeys.done, c.configKeys.keys = true, keys
	return keys, nil
}
