package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Client is the provider's connection to one cluster. It is safe for
// concurrent use. Nothing is dialled until the first call that needs the
// cluster, so a Client can be built from configuration that has not been
// checked against a broker yet (terraform validate, or a plan whose
// provider settings are still unknown).
//
// Reads come in two kinds. Snapshot serves plan-time reads from one load
// of the whole cluster. The other read methods ask the cluster afresh, for
// checks made while applying, and share their requests among callers
// asking at the same moment. Writes from concurrent callers are merged
// into shared requests, and a loaded snapshot follows them.
type Client struct {
	cfg Config

	mu      sync.Mutex
	kcl     *kgo.Client
	adm     *kadm.Client
	home    *kgo.Broker
	connErr error

	topics *coalescer[string, TopicDescription]
	reg    registry

	snapOnce sync.Once
	snapMu   sync.RWMutex
	snap     *Snapshot
	snapErr  error

	allTopics *freshRead[*kmsg.MetadataResponse]
	allQuotas *freshRead[[]ClientQuota]
	allSCRAM  *freshRead[map[string][]SCRAMCredential]
	allACLs   *freshRead[[]ACL]

	createTopics *batcher[TopicSpec, TopicDescription]
	deleteTopics *batcher[string, struct{}]
	createACLs   *batcher[[]ACL, struct{}]
	deleteACLs   *batcher[[]ACL, struct{}]
	alterQuotas  *batcher[quotaAlter, struct{}]
	alterSCRAMs  *batcher[scramAlter, struct{}]
}

// batchWindow is how long the first call to an idle coalescer or batcher
// waits for others to join its batch.
const batchWindow = 2 * time.Millisecond

// maxTopicBatch caps the topics asked for in one Metadata and one
// DescribeConfigs request.
const maxTopicBatch = 500

// maxWriteBatch caps the objects written by one batched request.
const maxWriteBatch = 500

// NewClient returns a Client for cfg without connecting.
func NewClient(cfg Config) *Client {
	c := &Client{cfg: cfg}
	c.reg.topic = cfg.RegistryTopic
	if c.reg.topic == "" {
		c.reg.topic = DefaultRegistryTopic
	}
	timeout := cfg.timeout()
	c.topics = newCoalescer(batchWindow, timeout, maxTopicBatch, c.describeTopics)
	c.allTopics = newFreshRead(timeout, func(ctx context.Context) (*kmsg.MetadataResponse, error) {
		meta, err := c.readMetadata(ctx, nil)
		if err == nil {
			c.loadedSnapshot().putTopicMetadata(meta)
		}
		return meta, err
	})
	c.allQuotas = newFreshRead(timeout, func(ctx context.Context) ([]ClientQuota, error) {
		quotas, err := c.describeAllQuotas(ctx)
		if err == nil {
			c.loadedSnapshot().putQuotas(quotas)
		}
		return quotas, err
	})
	c.allSCRAM = newFreshRead(timeout, func(ctx context.Context) (map[string][]SCRAMCredential, error) {
		users, err := c.describeSCRAMUsers(ctx)
		if err == nil {
			c.loadedSnapshot().putSCRAMUsers(cloneSCRAMUsers(users))
		}
		return users, err
	})
	c.allACLs = newFreshRead(timeout, func(ctx context.Context) ([]ACL, error) {
		acls, err := c.describeAllACLs(ctx)
		if err == nil {
			c.loadedSnapshot().putACLs(acls)
		}
		return acls, err
	})
	c.createTopics = newBatcher(batchWindow, timeout, maxWriteBatch, c.createTopicBatch)
	c.deleteTopics = newBatcher(batchWindow, timeout, maxWriteBatch, c.deleteTopicBatch)
	c.createACLs = newBatcher(batchWindow, timeout, maxWriteBatch, c.createACLBatch)
	c.deleteACLs = newBatcher(batchWindow, timeout, maxWriteBatch, c.deleteACLBatch)
	c.alterQuotas = newBatcher(batchWindow, timeout, maxWriteBatch, c.alterQuotaBatch)
	c.alterSCRAMs = newBatcher(batchWindow, timeout, maxWriteBatch, c.alterSCRAMBatch)
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
		c.kcl, c.adm, c.home = nil, nil, nil
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
	home, err := firstSeedAnswering(vctx, kcl)
	if err != nil {
		kcl.Close()
		c.connErr = diagnose(ctx, c.cfg, err)
		return nil, c.connErr
	}
	c.kcl, c.adm, c.home = kcl, adm, home
	return adm, nil
}

// firstSeedAnswering asks each bootstrap server in turn for the cluster's
// brokers and returns the first that answers. Plan-time reads all go to
// it, over the one connection already open, rather than to whichever
// broker franz-go would pick for each request.
func firstSeedAnswering(ctx context.Context, kcl *kgo.Client) (*kgo.Broker, error) {
	var last error
	for _, seed := range kcl.SeedBrokers() {
		req := kmsg.NewPtrMetadataRequest()
		req.Topics = []kmsg.MetadataRequestTopic{}
		resp, err := seed.Request(ctx, req)
		if err == nil {
			if len(resp.(*kmsg.MetadataResponse).Brokers) == 0 {
				err = errors.New("the broker reported no brokers in its cluster")
			} else {
				return seed, nil
			}
		}
		last = err
		if ctx.Err() != nil {
			break
		}
	}
	if last == nil {
		last = errors.New("no bootstrap servers")
	}
	return nil, last
}

// kgoClient returns the underlying franz-go client, connecting on first use.
func (c *Client) kgoClient(ctx context.Context) (*kgo.Client, error) {
	if _, err := c.admin(ctx); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.kcl == nil {
		return nil, errors.New("the client is closed")
	}
	return c.kcl, nil
}

// read sends a request that any broker can answer to the broker the client
// first reached, falling back to any broker if that one fails.
func (c *Client) read(ctx context.Context, req kmsg.Request) (kmsg.Response, error) {
	kcl, err := c.kgoClient(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	home := c.home
	c.mu.Unlock()
	if home != nil {
		resp, err := home.RetriableRequest(ctx, req)
		if err == nil || ctx.Err() != nil {
			return resp, err
		}
	}
	return kcl.Request(ctx, req)
}

// readMetadata asks for the named topics, or all topics when names is nil,
// without ever creating one on brokers that allow auto-creation.
func (c *Client) readMetadata(ctx context.Context, names []string) (*kmsg.MetadataResponse, error) {
	req := kmsg.NewPtrMetadataRequest()
	req.AllowAutoTopicCreation = false
	if names != nil {
		req.Topics = make([]kmsg.MetadataRequestTopic, 0, len(names))
		for _, name := range names {
			t := kmsg.NewMetadataRequestTopic()
			t.Topic = kmsg.StringPtr(name)
			req.Topics = append(req.Topics, t)
		}
	}
	resp, err := c.read(ctx, req)
	if err != nil {
		return nil, err
	}
	return resp.(*kmsg.MetadataResponse), nil
}

// Ping connects if needed and reports any connection failure.
func (c *Client) Ping(ctx context.Context) error {
	_, err := c.admin(ctx)
	return err
}

// Brokers returns the IDs of the brokers currently in the cluster, sorted.
func (c *Client) Brokers(ctx context.Context) ([]int32, error) {
	meta, err := c.readMetadata(ctx, []string{})
	if err != nil {
		return nil, fmt.Errorf("asking for the cluster's brokers: %w", err)
	}
	return brokerIDs(meta), nil
}

// supportsDescribeCluster reports whether the broker the client reads from
// supports DescribeCluster (Kafka 2.8 and later).
func (c *Client) supportsDescribeCluster(ctx context.Context) (bool, error) {
	req := kmsg.NewPtrApiVersionsRequest()
	req.ClientSoftwareName, req.ClientSoftwareVersion = "kafkatenant", "1"
	resp, err := c.read(ctx, req)
	if err != nil {
		return false, fmt.Errorf("asking the brokers for their API versions: %w", err)
	}
	av := resp.(*kmsg.ApiVersionsResponse)
	if err := kerr.ErrorForCode(av.ErrorCode); err != nil {
		return false, fmt.Errorf("asking the brokers for their API versions: %w", err)
	}
	for _, k := range av.ApiKeys {
		if k.ApiKey == int16(kmsg.DescribeCluster) {
			return true, nil
		}
	}
	return false, nil
}

// SupportsIdempotentWriteByTopic reports whether the brokers let a
// principal with WRITE on any topic initialise an idempotent producer
// (KIP-679, Kafka 2.8). Older brokers need IDEMPOTENT_WRITE on the cluster.
// Kafka 2.8 is also the first release with DescribeCluster, which is what
// the check looks for.
func (c *Client) SupportsIdempotentWriteByTopic(ctx context.Context) (bool, error) {
	return c.supportsDescribeCluster(ctx)
}
