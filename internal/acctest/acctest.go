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
	if os.Getenv("TF_ACC") == "" || sweeping() {
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

// Embedded returns the embedded cluster, or skips the test when the suite
// targets an external cluster.
func Embedded(t *testing.T) *embedded.Cluster {
	t.Helper()
	if cluster == nil {
		t.Skip("needs the embedded cluster; the suite targets an external cluster")
	}
	return cluster
}

// OwnCluster starts an embedded cluster for one test alone, stopped when
// the test ends, for tests whose assertions count what the cluster holds
// or receives and must not see other tests' objects or requests. It skips
// the test when the suite targets an external cluster.
func OwnCluster(t *testing.T) *embedded.Cluster {
	t.Helper()
	if cluster == nil {
		t.Skip("needs a cluster of its own, started in-process; the suite targets an external cluster")
	}
	c, err := embedded.Start(embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
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
// ends. It skips the test when the suite targets an external cluster.
func StartRestartable(t *testing.T) *Restartable {
	t.Helper()
	if cluster == nil {
		t.Skip("stops and restarts a cluster of its own, in-process; the suite targets an external cluster")
	}
	r := &Restartable{t: t, dir: t.TempDir()}
	for range embedded.DefaultBrokers {
		r.ports = append(r.ports, freePort(t))
	}
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

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
