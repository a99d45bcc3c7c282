// Package embedded starts the in-process Kafka-protocol cluster (franz-go's
// kfake) that the dev-cluster command, the demo and the acceptance tests
// share: several brokers on loopback, SASL/SCRAM with an admin superuser,
// and ACL enforcement on. It amends two of kfake's connection set-up
// answers (see compat.go) so that librdkafka-based clients and KafkaJS can
// log in as well as franz-go and Sarama.
package embedded

import (
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Defaults of the embedded cluster.
const (
	DefaultBrokers       = 3
	DefaultAdminUser     = "admin"
	DefaultAdminPassword = "admin-secret" //nolint:gosec // a loopback-only development credential, printed on purpose
	DefaultMechanism     = "SCRAM-SHA-512"
	// ClusterID is the cluster id the embedded brokers report.
	ClusterID = "kafkatenant-embedded"
)

// Options configures Start. The zero value starts three brokers on random
// loopback ports with the default admin credential.
type Options struct {
	// Brokers is the broker count; zero means DefaultBrokers.
	Brokers int
	// Ports fixes the brokers' ports; empty picks free ones, and so does a
	// port of 0.
	Ports []int
	// ListenHost is the address the brokers listen on; empty means
	// 127.0.0.1. A container listens on 0.0.0.0 so that its published
	// ports reach the brokers.
	ListenHost string
	// AdvertisedHost is the host the brokers name in metadata, which
	// clients connect to after bootstrapping; empty means ListenHost, or
	// localhost when ListenHost is a wildcard address.
	AdvertisedHost string
	// AdminUser and AdminPassword name the SCRAM-SHA-512 superuser.
	AdminUser, AdminPassword string
	// DataDir, when set, persists the cluster's state there, so topics,
	// ACLs, quotas and users survive a restart.
	DataDir string
}

// Cluster is a running embedded cluster.
type Cluster struct {
	// Fake is the underlying kfake cluster, for tests that intercept
	// requests. A control function added to it runs after the embedded
	// cluster's own, which answers ApiVersions: use Observe to see every
	// request.
	Fake *kfake.Cluster

	adminUser, adminPassword string
	compat                   *compat
}

// Start starts a cluster with opts.
func Start(opts Options) (*Cluster, error) {
	if opts.Brokers == 0 {
		opts.Brokers = DefaultBrokers
	}
	if opts.AdminUser == "" {
		opts.AdminUser = DefaultAdminUser
	}
	if opts.AdminPassword == "" {
		opts.AdminPassword = DefaultAdminPassword
	}
	compat := &compat{clusterID: ClusterID, listenHost: opts.ListenHost, advertisedHost: opts.AdvertisedHost}
	kopts := []kfake.Opt{
		kfake.NumBrokers(opts.Brokers),
		kfake.EnableSASL(),
		kfake.Superuser(DefaultMechanism, opts.AdminUser, opts.AdminPassword),
		kfake.EnableACLs(),
		kfake.ClusterID(ClusterID),
		kfake.ListenFn(compat.listen),
	}
	if len(opts.Ports) > 0 {
		kopts = append(kopts, kfake.Ports(opts.Ports...))
	}
	if opts.DataDir != "" {
		kopts = append(kopts, kfake.DataDir(opts.DataDir))
	}
	fake, err := kfake.NewCluster(kopts...)
	if err != nil {
		return nil, fmt.Errorf("starting the embedded cluster: %w", err)
	}
	compat.mu.Lock()
	local := compat.localAddr
	compat.mu.Unlock()
	if err := compat.install(fake, local); err != nil {
		fake.Close()
		return nil, fmt.Errorf("starting the embedded cluster: %w", err)
	}
	return &Cluster{Fake: fake, adminUser: opts.AdminUser, adminPassword: opts.AdminPassword, compat: compat}, nil
}

// Observe calls fn with every request the brokers receive, before they
// answer it, ApiVersions included. fn must not block and must not call
// back into the cluster. Requests that a control function added to Fake
// with ControlKey answers are not seen.
func (c *Cluster) Observe(fn func(kmsg.Request)) { c.compat.observe(fn) }

// Close stops the cluster.
func (c *Cluster) Close() { c.Fake.Close() }

// BootstrapServers returns the brokers' advertised addresses.
func (c *Cluster) BootstrapServers() []string { return c.Fake.ListenAddrs() }

// AdminUser returns the superuser's name.
func (c *Cluster) AdminUser() string { return c.adminUser }

// AdminPassword returns the superuser's password.
func (c *Cluster) AdminPassword() string { return c.adminPassword }

// Env returns the KAFKATENANT_* variables that point the provider at the
// cluster as its admin.
func (c *Cluster) Env() map[string]string {
	return map[string]string{
		"KAFKATENANT_BOOTSTRAP_SERVERS": strings.Join(c.BootstrapServers(), ","),
		"KAFKATENANT_SASL_MECHANISM":    DefaultMechanism,
		"KAFKATENANT_SASL_USERNAME":     c.adminUser,
		"KAFKATENANT_SASL_PASSWORD":     c.adminPassword,
	}
}

// ProviderBlock returns a provider block for the cluster that reads the
// password from the environment.
func (c *Cluster) ProviderBlock() string {
	quoted := make([]string, 0, len(c.BootstrapServers()))
	for _, a := range c.BootstrapServers() {
		quoted = append(quoted, fmt.Sprintf("%q", a))
	}
	return fmt.Sprintf(`provider "kafkatenant" {
  bootstrap_servers = [%s]
  sasl = {
    mechanism = %q
    username  = %q
    # password from KAFKATENANT_SASL_PASSWORD
  }
}
`, strings.Join(quoted, ", "), DefaultMechanism, c.adminUser)
}
