package kafka

import (
	"context"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Client is the provider's connection to one cluster. It is safe for
// concurrent use. Nothing is dialled until the first call that needs the
// cluster, so a Client can be built from configuration that has not been
// checked against a broker yet (terraform validate, or a plan whose
// provider settings are still unknown).
type Client struct {
	cfg Config

	mu      sync.Mutex
	kcl     *kgo.Client
	adm     *kadm.Client
	connErr error

	topics     *coalescer[string, TopicDescription]
	reg        registry
	configKeys topicConfigKeys
}

// batchWindow is how long the first read of an idle coalescer waits for
// others to join its batch.
const batchWindow = 2 * time.Millisecond

// maxTopicBatch caps the topics asked for in one Metadata and one
// DescribeConfigs request.
const maxTopicBatch = 500

// NewClient returns a Client for cfg without connecting.
func NewClient(cfg Config) *Client {
	c := &Client{cfg: cfg}
	c.reg.topic = cfg.RegistryTopic
	if c.reg.topic == "" {
		c.reg.topic = DefaultRegistryTopic
	}
	c.topics = newCoalescer(batchWindow, cfg.timeout(), maxTopicBatch, c.describeTopics)
	return c
}

// Config returns the configuration the client was built with.
func (c *Client) Config() Config { return c.cfg }

// Close releases the connections, if any were opened.
func (c *Client) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.kcl != nil {
		c.kcl.Close()
		c.kcl, c.adm = nil, nil
	}
}

// admin returns the admin client, connecting on first use. The first
// connection is verified with a metadata request so that a wrong address,
// TLS setting or credential is reported once, explained by diagnose, rather
// than as a bare EOF from whichever call happens to run first. A failed
// connection is remembered for the life of the Client: provider processes
// are short-lived, and re-diagnosing for every resource would multiply the
// wait.
func (c *Client) admin(ctx context.Context) (*kadm.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.adm != nil {
		return c.adm, nil
	}
	if c.connErr != nil {
		return nil, c.connErr
	}
	opts, err := c.cfg.kgoOpts()
	if err != nil {
		c.connErr = err
		return nil, err
	}
	kcl, err := kgo.NewClient(opts...)
	if err != nil {
		c.connErr = err
		return nil, err
	}
	adm := kadm.NewClient(kcl)
	adm.SetTimeoutMillis(int32(c.cfg.timeout().Milliseconds()))

	vctx, cancel := context.WithTimeout(ctx, c.cfg.timeout())
	defer cancel()
	if _, err := adm.BrokerMetadata(vctx); err != nil {
		kcl.Close()
		c.connErr = diagnose(ctx, c.cfg, err)
		return nil, c.connErr
	}
	c.kcl, c.adm = kcl, adm
	return adm, nil
}

// kgoClient returns the underlying franz-go client, connecting on first use.
func (c *Client) kgoClient(ctx context.Context) (*kgo.Client, error) {
	if _, err := c.admin(ctx); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.kcl, nil
}

// Ping connects if needed and reports any connection failure.
func (c *Client) Ping(ctx context.Context) error {
	_, err := c.admin(ctx)
	return err
}

// Brokers returns the IDs of the brokers currently in the cluster.
func (c *Client) Brokers(ctx context.Context) ([]int32, error) {
	adm, err := c.admin(ctx)
	if err != nil {
		return nil, err
	}
	m, err := adm.BrokerMetadata(ctx)
	if err != nil {
		return nil, err
	}
	return m.Brokers.NodeIDs(), nil
}
