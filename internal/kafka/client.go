package kafka

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
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
	seeds   []*kgo.Broker
	connErr error
	// firstMeta is the metadata of every topic the connection check read
	// at firstMetaAt, kept for the snapshot's load so that one request
	// serves both.
	firstMeta   *kmsg.MetadataResponse
	firstMetaAt time.Time

	topics     *coalescer[string, TopicDescription]
	reg        registry
	configKeys topicConfigKeys

	snapOnce sync.Once
	snapMu   sync.RWMutex
	snap     *Snapshot
	snapErr  error
	journal  snapshotJournal
	// snapshotConfigTopics is the most topics whose configs a snapshot
	// loads up front: maxSnapshotConfigTopics, lowered by tests.
	snapshotConfigTopics int

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
	c := &Client{cfg: cfg, snapshotConfigTopics: maxSnapshotConfigTopics}
	c.reg.topic, c.reg.window = cfg.RegistryTopic, batchWindow
	if c.reg.topic == "" {
		c.reg.topic = DefaultRegistryTopic
	}
	timeout := cfg.timeout()
	c.topics = newCoalescer(batchWindow, timeout, maxTopicBatch, c.describeTopics)
	c.allTopics = newFreshRead(batchWindow, timeout, func(ctx context.Context) (*kmsg.MetadataResponse, error) {
		return readInto(ctx, c, func(ctx context.Context) (*kmsg.MetadataResponse, error) {
			return c.readMetadata(ctx, nil)
		}, (*Snapshot).putTopicMetadata)
	})
	c.allQuotas = newFreshRead(batchWindow, timeout, func(ctx context.Context) ([]ClientQuota, error) {
		return readInto(ctx, c, c.describeAllQuotas, (*Snapshot).putQuotas)
	})
	c.allSCRAM = newFreshRead(batchWindow, timeout, func(ctx context.Context) (map[string][]SCRAMCredential, error) {
		return readInto(ctx, c, c.describeSCRAMUsers, func(s *Snapshot, users map[string][]SCRAMCredential) {
			s.putSCRAMUsers(cloneSCRAMUsers(users))
		})
	})
	c.allACLs = newFreshRead(batchWindow, timeout, func(ctx context.Context) ([]ACL, error) {
		return readInto(ctx, c, c.describeAllACLs, (*Snapshot).putACLs)
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
	home, meta, err := firstSeedAnswering(vctx, kcl)
	if err != nil {
		kcl.Close()
		c.connErr = diagnose(ctx, c.cfg, err)
		return nil, c.connErr
	}
	c.kcl, c.adm, c.home, c.seeds, c.firstMeta, c.firstMetaAt = kcl, adm, home, kcl.SeedBrokers(), meta, time.Now()
	return adm, nil
}

// firstSeedAnswering asks each bootstrap server in turn for every topic's
// metadata and returns the first that answers, with its answer. Plan-time
// reads all go to it, over the one connection already open, rather than
// to whichever broker franz-go would pick for each request.
func firstSeedAnswering(ctx context.Context, kcl *kgo.Client) (*kgo.Broker, *kmsg.MetadataResponse, error) {
	var last error
	for _, seed := range kcl.SeedBrokers() {
		req := kmsg.NewPtrMetadataRequest()
		req.AllowAutoTopicCreation = false
		raw, err := seed.Request(ctx, req)
		if err == nil {
			resp := raw.(*kmsg.MetadataResponse)
			if len(resp.Brokers) > 0 {
				return seed, resp, nil
			}
			err = errors.New("the broker reported no brokers in its cluster")
		}
		last = err
		if ctx.Err() != nil {
			break
		}
	}
	if last == nil {
		last = errors.New("no bootstrap servers")
	}
	return nil, nil, last
}

// takeFirstMetadata returns the connection check's metadata, once, if it
// was read a moment ago: when a plan's first call is the snapshot's load,
// which connects. A load that comes later, after writes, reads afresh.
func (c *Client) takeFirstMetadata() *kmsg.MetadataResponse {
	c.mu.Lock()
	defer c.mu.Unlock()
	meta := c.firstMeta
	c.firstMeta = nil
	if time.Since(c.firstMetaAt) > time.Second {
		return nil
	}
	return meta
}

// dropFirstMetadata forgets the connection check's metadata before a
// write that changes topics, so that a snapshot loaded right after the
// write reads metadata afresh instead of taking an answer from before it.
func (c *Client) dropFirstMetadata() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.firstMeta = nil
}

// brokerAt returns a handle on the broker with the given ID for requests
// that must go to it (a partition's leader). A bootstrap server at the
// broker's address is used when there is one: franz-go knows it already,
// where a broker it has not discovered costs a metadata request first.
func (c *Client) brokerAt(kcl *kgo.Client, id int32, meta *kmsg.MetadataResponse) *kgo.Broker {
	c.mu.Lock()
	seeds := c.seeds
	c.mu.Unlock()
	for _, b := range meta.Brokers {
		if b.NodeID != id {
			continue
		}
		addr := net.JoinHostPort(b.Host, strconv.Itoa(int(b.Port)))
		for i, s := range c.cfg.BootstrapServers {
			if i < len(seeds) && sameAddr(s, addr) {
				return seeds[i]
			}
		}
	}
	return kcl.Broker(int(id))
}

// sameAddr compares a bootstrap server, whose port defaults to 9092, with
// a broker's host:port.
func sameAddr(bootstrap, addr string) bool {
	host, port, err := net.SplitHostPort(bootstrap)
	if err != nil {
		host, port = bootstrap, "9092"
	}
	return net.JoinHostPort(host, port) == addr
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

// kafka28 reports whether a metadata answer comes from Kafka 2.8 or later:
// Metadata version 11 came with that release (KIP-700), and franz-go asks
// with the highest version both sides know, so the answer's version tells
// the broker's release without another request.
func kafka28(meta *kmsg.MetadataResponse) bool { return meta.GetVersion() >= 11 }

// SupportsIdempotentWriteByTopic reports whether the brokers let a
// principal with WRITE on any topic initialise an idempotent producer
// (KIP-679, Kafka 2.8). Older brokers need IDEMPOTENT_WRITE on the cluster.
func (c *Client) SupportsIdempotentWriteByTopic(ctx context.Context) (bool, error) {
	meta, err := c.readMetadata(ctx, []string{})
	if err != nil {
		return false, fmt.Errorf("asking the brokers for their version: %w", err)
	}
	return kafka28(meta), nil
}
