// Package acctest holds what the acceptance tests share: a TestMain that
// resolves the Terraform CLI and starts the embedded cluster (or targets an
// external one), provider factories, names with a sweepable prefix, and an
// admin client for out-of-band changes and destroy checks.
package acctest

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/embedded"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/provider"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tfcli"
)

// NamePrefix starts the name of every object the tests create, so that
// leftovers on a real cluster can be swept (make sweep).
const NamePrefix = "ktacc-"

// EnvExpectSwept makes a sweep (-sweep) fail when it finds any test object,
// after removing them: set by make testacc-external, where a suite that
// passed must have destroyed everything it created.
const EnvExpectSwept = "KAFKATENANT_ACC_EXPECT_SWEPT"

// EnvExternal selects an external cluster: with it set to 1, the suite uses
// the KAFKATENANT_* connection variables instead of the embedded cluster.
const EnvExternal = "KAFKATENANT_ACC_EXTERNAL"

// ProviderFactories serves a fresh provider in-process to each Terraform
// CLI command.
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"kafkatenant": func() (tfprotov6.ProviderServer, error) {
		return providerserver.NewProtocol6WithError(provider.New("acctest")())()
	},
}

var cluster *embedded.Cluster

// suiteCLI is the CLI the suite runs, resolved by Run.
var suiteCLI tfcli.CLI

// Run is the TestMain of packages with acceptance tests. With TF_ACC set it
// resolves the CLI and starts the embedded cluster (unless EnvExternal is
// 1); -sweep runs the sweepers against the configured cluster instead.
func Run(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if sweeping() {
		return sweep(m)
	}
	if os.Getenv("TF_ACC") == "" {
		resource.TestMain(m)
		return 0
	}
	ctx := context.Background()
	cli, err := tfcli.Resolve(ctx, func(msg string) { fmt.Fprintln(os.Stderr, msg) })
	if err != nil {
		fmt.Fprintln(os.Stderr, "acctest: no Terraform CLI:", err)
		return 1
	}
	suiteCLI = cli
	tmp, done, err := openSuiteDir()
	if err != nil {
		fmt.Fprintln(os.Stderr, "acctest:", err)
		return 1
	}
	defer done()
	if _, err := tfcli.Prepare(cli, filepath.Join(tmp, "cli"), ""); err != nil {
		fmt.Fprintln(os.Stderr, "acctest: preparing the CLI environment:", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "acctest: using %s (%s)\n", cli.Path, cli.Source)

	if os.Getenv(EnvExternal) != "1" {
		c, err := embedded.Start(embedded.Options{})
		if err != nil {
			fmt.Fprintln(os.Stderr, "acctest:", err)
			return 1
		}
		defer c.Close()
		cluster = c
		for k, v := range c.Env() {
			if err := os.Setenv(k, v); err != nil {
				fmt.Fprintln(os.Stderr, "acctest: setting", k+":", err)
				return 1
			}
		}
		fmt.Fprintf(os.Stderr, "acctest: embedded cluster at %s\n", strings.Join(c.BootstrapServers(), ","))
	}
	return m.Run()
}

// sweep runs the sweepers against the cluster in the KAFKATENANT_*
// variables, saying first what they will find, and then requires that no
// test object is left: a sweeper that misses a kind of object fails here.
func sweep(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c := kafka.NewClient(ConnectionConfig())
	defer c.Close()
	found, err := FindTestObjects(ctx, c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "acctest: listing test objects before the sweep:", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "acctest: %d test objects on the cluster before the sweep\n%s", found.Count(), found)
	resource.TestMain(m) // exits with 1 when a sweeper fails
	if err := checkSwept(ctx, c); err != nil {
		fmt.Fprintln(os.Stderr, "acctest:", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "acctest: no test objects (names starting %s) left on the cluster\n", NamePrefix)
	if found.Count() > 0 && os.Getenv(EnvExpectSwept) == "1" {
		fmt.Fprintf(os.Stderr, "acctest: the tests left the %d objects above behind (%s=1); the sweep removed them\n", found.Count(), EnvExpectSwept)
		return 1
	}
	return 0
}

func sweeping() bool {
	for _, a := range os.Args[1:] {
		if strings.HasPrefix(a, "-sweep") || strings.HasPrefix(a, "--sweep") {
			return true
		}
	}
	return false
}

// PreCheck fails the test early when the cluster is not configured.
func PreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("KAFKATENANT_BOOTSTRAP_SERVERS") == "" {
		t.Fatal("KAFKATENANT_BOOTSTRAP_SERVERS must be set: the embedded cluster sets it unless " + EnvExternal + "=1")
	}
}

// Embedded returns the embedded cluster the suite shares, for a test that
// controls it in-process: why says what for, such as "move partition
// leaders". Against an external cluster nothing in the test process can do
// that, so the test is skipped, with why as the reason.
func Embedded(t *testing.T, why string) *embedded.Cluster {
	t.Helper()
	SkipExternal(t, why)
	return cluster
}

// SkipExternal skips the test when the suite targets an external cluster,
// because it needs in-process control of a cluster to do what why says.
func SkipExternal(t *testing.T, why string) {
	t.Helper()
	if cluster == nil {
		t.Skipf("external cluster: this test needs an in-process cluster to %s", why)
	}
}

// OwnCluster starts an embedded cluster for one test alone, stopped when
// the test ends, for tests whose assertions cover everything a cluster
// holds, such as capacity arithmetic over every quota, and so must not see
// the objects of tests running beside them or of earlier runs. It starts
// in-process whichever cluster the suite targets: such a test does not
// touch the shared cluster.
func OwnCluster(t *testing.T) *embedded.Cluster {
	t.Helper()
	if cluster == nil {
		t.Log("runs on an in-process cluster of its own, not on the external cluster")
	}
	c, err := embedded.Start(embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// ProviderBlock returns a provider block that connects to c as its admin,
// password included, with extra attributes (such as a capacity block) in
// it, for a test on a cluster of its own.
func ProviderBlock(c *embedded.Cluster, extra string) string {
	quoted := make([]string, len(c.BootstrapServers()))
	for i, a := range c.BootstrapServers() {
		quoted[i] = fmt.Sprintf("%q", a)
	}
	return fmt.Sprintf(`
provider "kafkatenant" {
  bootstrap_servers = [%s]
  sasl = {
    mechanism = %q
    username  = %q
    password  = %q
  }
%s
}
`, strings.Join(quoted, ", "), embedded.DefaultMechanism, c.AdminUser(), c.AdminPassword(), extra)
}

// ClientOf returns an admin client of a cluster of a test's own.
func ClientOf(t *testing.T, c *embedded.Cluster) *kafka.Client {
	t.Helper()
	kc := kafka.NewClient(kafka.Config{
		BootstrapServers: c.BootstrapServers(),
		Timeout:          20 * time.Second,
		SASL:             &kafka.SASLConfig{Mechanism: embedded.DefaultMechanism, Username: c.AdminUser(), Password: c.AdminPassword()},
	})
	t.Cleanup(kc.Close)
	return kc
}

// IsEmbedded reports whether the suite runs against the embedded cluster.
func IsEmbedded() bool { return cluster != nil }

// Name returns a unique test object name with NamePrefix and the given
// part, such as "ktacc-topic-x7k2q".
func Name(part string) string {
	return NamePrefix + part + "-" + acctest.RandStringFromCharSet(6, acctest.CharSetAlphaNum)
}

// ConnectionConfig returns the connection settings the provider uses, from
// the KAFKATENANT_* variables.
func ConnectionConfig() kafka.Config {
	cfg := kafka.Config{
		BootstrapServers: strings.Split(os.Getenv("KAFKATENANT_BOOTSTRAP_SERVERS"), ","),
		Timeout:          20 * time.Second,
	}
	if m := os.Getenv("KAFKATENANT_SASL_MECHANISM"); m != "" {
		cfg.SASL = &kafka.SASLConfig{
			Mechanism: m,
			Username:  os.Getenv("KAFKATENANT_SASL_USERNAME"),
			Password:  os.Getenv("KAFKATENANT_SASL_PASSWORD"),
		}
	}
	if os.Getenv("KAFKATENANT_TLS_ENABLED") == "true" {
		cfg.TLS = &kafka.TLSConfig{
			Enabled:            true,
			CAPEM:              os.Getenv("KAFKATENANT_TLS_CA_PEM"),
			CertPEM:            os.Getenv("KAFKATENANT_TLS_CERT_PEM"),
			KeyPEM:             os.Getenv("KAFKATENANT_TLS_KEY_PEM"),
			ServerName:         os.Getenv("KAFKATENANT_TLS_SERVER_NAME"),
			InsecureSkipVerify: os.Getenv("KAFKATENANT_TLS_INSECURE_SKIP_VERIFY") == "true",
		}
	}
	return cfg
}

// AdminClient returns a client with the provider's credentials, for
// changes made behind Terraform's back and for destroy checks.
func AdminClient(t *testing.T) *kafka.Client {
	t.Helper()
	c := kafka.NewClient(ConnectionConfig())
	t.Cleanup(c.Close)
	return c
}

// Restartable is an embedded cluster of one test's own, on fixed loopback
// ports with its state in a directory, that the test can stop and start
// again, as fault-injection tests do to a broker that dies and comes back.
type Restartable struct {
	t     *testing.T
	ports []int
	dir   string
	// Cluster is the running cluster; nil while stopped.
	Cluster *embedded.Cluster
}

// StartRestartable starts a restartable cluster, stopped when the test
// ends. It skips the test when the suite targets an external cluster:
// fault injection is for the embedded run.
func StartRestartable(t *testing.T) *Restartable {
	t.Helper()
	SkipExternal(t, "inject faults: it stops and restarts brokers")
	r := &Restartable{t: t, dir: t.TempDir()}
	r.ports = FreePorts(t, embedded.DefaultBrokers)
	r.Start()
	t.Cleanup(r.Stop)
	return r
}

// Start starts the cluster again from its state directory.
func (r *Restartable) Start() {
	r.t.Helper()
	c, err := embedded.Start(embedded.Options{Ports: r.ports, DataDir: r.dir})
	if err != nil {
		r.t.Fatal(err)
	}
	r.Cluster = c
}

// Stop stops the cluster, which saves its state; connections drop at once.
func (r *Restartable) Stop() {
	if r.Cluster != nil {
		r.Cluster.Close()
		r.Cluster = nil
	}
}

// Env returns the KAFKATENANT_* variables of the cluster, valid across
// restarts.
func (r *Restartable) Env() map[string]string {
	addrs := make([]string, len(r.ports))
	for i, p := range r.ports {
		addrs[i] = fmt.Sprintf("127.0.0.1:%d", p)
	}
	return map[string]string{
		"KAFKATENANT_BOOTSTRAP_SERVERS": strings.Join(addrs, ","),
		"KAFKATENANT_SASL_MECHANISM":    embedded.DefaultMechanism,
		"KAFKATENANT_SASL_USERNAME":     embedded.DefaultAdminUser,
		"KAFKATENANT_SASL_PASSWORD":     embedded.DefaultAdminPassword,
	}
}

// FreePorts returns n distinct loopback ports that were free a moment ago.
// Every listener stays open until all n are chosen: closed one by one, the
// kernel may hand the same port out twice, and a cluster given it for two
// brokers fails to start.
func FreePorts(t *testing.T, n int) []int {
	t.Helper()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports
}
