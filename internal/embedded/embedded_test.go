package embedded_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/embedded"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

func start(t *testing.T, opts embedded.Options) *embedded.Cluster {
	t.Helper()
	c, err := embedded.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// client connects to c as user with password.
func client(t *testing.T, c *embedded.Cluster, user, password string) *kafka.Client {
	t.Helper()
	kc := kafka.NewClient(kafka.Config{
		BootstrapServers: c.BootstrapServers(),
		Timeout:          5 * time.Second,
		SASL:             &kafka.SASLConfig{Mechanism: embedded.DefaultMechanism, Username: user, Password: password},
	})
	t.Cleanup(kc.Close)
	return kc
}

func TestStart_defaults(t *testing.T) {
	c := start(t, embedded.Options{})
	addrs := c.BootstrapServers()
	if len(addrs) != embedded.DefaultBrokers {
		t.Fatalf("BootstrapServers = %v, want %d brokers", addrs, embedded.DefaultBrokers)
	}
	if c.AdminUser() != embedded.DefaultAdminUser || c.AdminPassword() != embedded.DefaultAdminPassword {
		t.Errorf("admin = %q/%q, want the defaults", c.AdminUser(), c.AdminPassword())
	}
	ctx := context.Background()
	admin := client(t, c, c.AdminUser(), c.AdminPassword())
	brokers, err := admin.Brokers(ctx)
	if err != nil {
		t.Fatalf("the admin cannot connect: %v", err)
	}
	if len(brokers) != embedded.DefaultBrokers {
		t.Errorf("the cluster reports brokers %v, want %d", brokers, embedded.DefaultBrokers)
	}

	var ce *kafka.ConnectError
	if err := client(t, c, c.AdminUser(), "wrong").Ping(ctx); !errors.As(err, &ce) || ce.Kind != kafka.ConnectSASLAuth {
		t.Errorf("a wrong admin password gave %v, want an authentication failure", err)
	}
}

func TestCluster_EnvAndProviderBlock(t *testing.T) {
	c := start(t, embedded.Options{Brokers: 2, AdminUser: "root", AdminPassword: "block-test-pw"})
	want := map[string]string{
		"KAFKATENANT_BOOTSTRAP_SERVERS": strings.Join(c.BootstrapServers(), ","),
		"KAFKATENANT_SASL_MECHANISM":    "SCRAM-SHA-512",
		"KAFKATENANT_SASL_USERNAME":     "root",
		"KAFKATENANT_SASL_PASSWORD":     "block-test-pw",
	}
	env := c.Env()
	if len(env) != len(want) {
		t.Errorf("Env() = %v, want %v", env, want)
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("Env()[%s] = %q, want %q", k, env[k], v)
		}
	}

	// The block is printed for users to copy; the password stays in the
	// environment.
	block := c.ProviderBlock()
	for _, s := range []string{
		fmt.Sprintf("bootstrap_servers = [%q, %q]", c.BootstrapServers()[0], c.BootstrapServers()[1]),
		`mechanism = "SCRAM-SHA-512"`,
		`username  = "root"`,
		"KAFKATENANT_SASL_PASSWORD",
	} {
		if !strings.Contains(block, s) {
			t.Errorf("ProviderBlock() lacks %s:\n%s", s, block)
		}
	}
	if strings.Contains(block, "block-test-pw") {
		t.Errorf("ProviderBlock() prints the password:\n%s", block)
	}
}

func TestStart_fixedPorts(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	c := start(t, embedded.Options{Brokers: 1, Ports: []int{port}})
	if got, want := c.BootstrapServers(), fmt.Sprintf("127.0.0.1:%d", port); len(got) != 1 || got[0] != want {
		t.Errorf("BootstrapServers = %v, want [%s]", got, want)
	}
}

// A container's cluster listens on every address and names the host its
// clients reach it by: the ports Docker publishes lead to 0.0.0.0 in the
// container, and clients on the host connect to localhost.
func TestStart_listenAndAdvertisedHosts(t *testing.T) {
	c := start(t, embedded.Options{Brokers: 2, Ports: []int{0, 0}, ListenHost: "0.0.0.0", AdvertisedHost: "localhost"})
	addrs := c.BootstrapServers()
	ports := make([]string, len(addrs))
	for i, a := range addrs {
		host, port, err := net.SplitHostPort(a)
		if err != nil || host != "localhost" || port == "0" {
			t.Fatalf("BootstrapServers = %v, want localhost with the ports chosen", addrs)
		}
		ports[i] = port
	}
	ctx := context.Background()
	brokers, err := client(t, c, c.AdminUser(), c.AdminPassword()).Brokers(ctx)
	if err != nil || len(brokers) != 2 {
		t.Fatalf("connecting by the advertised host: brokers %v, %v", brokers, err)
	}
	// Another loopback address reaches the brokers only because they
	// listen on every address.
	other := kafka.NewClient(kafka.Config{
		BootstrapServers: []string{net.JoinHostPort("127.0.0.2", ports[0])},
		Timeout:          5 * time.Second,
		SASL:             &kafka.SASLConfig{Mechanism: embedded.DefaultMechanism, Username: c.AdminUser(), Password: c.AdminPassword()},
	})
	t.Cleanup(other.Close)
	if err := other.Ping(ctx); err != nil {
		t.Errorf("the broker does not answer on 127.0.0.2, so it does not listen on 0.0.0.0: %v", err)
	}
}

// The advertised host is for clients elsewhere and need not resolve where
// the cluster runs: a container names the host its clients know.
func TestStart_advertisedHostUnresolvable(t *testing.T) {
	c := start(t, embedded.Options{Brokers: 1, ListenHost: "0.0.0.0", AdvertisedHost: "devcluster.invalid"})
	if got := c.BootstrapServers(); len(got) != 1 || !strings.HasPrefix(got[0], "devcluster.invalid:") {
		t.Errorf("BootstrapServers = %v, want devcluster.invalid:<port>", got)
	}
}

// ACL enforcement is what makes the tenancy tests meaningful: a user that
// is not a superuser and holds no ACL must be refused.
func TestStart_enforcesACLs(t *testing.T) {
	c := start(t, embedded.Options{Brokers: 1})
	ctx := context.Background()
	admin := client(t, c, c.AdminUser(), c.AdminPassword())
	// kfake authenticates SCRAM credentials of 4096 iterations only.
	if err := admin.UpsertSCRAM(ctx, "tenant", embedded.DefaultMechanism, 4096, "tenant-pw"); err != nil {
		t.Fatalf("creating a user: %v", err)
	}
	tenant := client(t, c, "tenant", "tenant-pw")
	if err := tenant.Ping(ctx); err != nil {
		t.Fatalf("the new user cannot log in: %v", err)
	}
	_, err := tenant.CreateTopic(ctx, kafka.TopicSpec{Name: "tenant-topic", Partitions: 1, ReplicationFactor: 1})
	if err == nil || !strings.Contains(err.Error(), "TOPIC_AUTHORIZATION_FAILED") {
		t.Errorf("a user without ACLs created a topic: %v", err)
	}
	if _, err := admin.CreateTopic(ctx, kafka.TopicSpec{Name: "admin-topic", Partitions: 1, ReplicationFactor: 1}); err != nil {
		t.Errorf("the superuser cannot create a topic: %v", err)
	}
}

func TestStart_dataDirSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	first, err := embedded.Start(embedded.Options{Brokers: 1, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	admin := client(t, first, first.AdminUser(), first.AdminPassword())
	_, err = admin.CreateTopic(ctx, kafka.TopicSpec{Name: "kept", Partitions: 3, ReplicationFactor: 1, Configs: map[string]string{"retention.ms": "60000"}})
	admin.Close()
	first.Close()
	if err != nil {
		t.Fatalf("creating a topic: %v", err)
	}

	second := start(t, embedded.Options{Brokers: 1, DataDir: dir})
	d, err := client(t, second, second.AdminUser(), second.AdminPassword()).DescribeTopic(ctx, "kept")
	if err != nil {
		t.Fatalf("after a restart on the same data dir: %v", err)
	}
	if d.Partitions != 3 || d.DynamicConfigs["retention.ms"] != "60000" {
		t.Errorf("after a restart the topic has %d partitions and configs %v", d.Partitions, d.DynamicConfigs)
	}
}
