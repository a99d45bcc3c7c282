package provider_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	sdkacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/embedded"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tfcli"
)

// The provider blocks in these tests set the connection attribute under
// test explicitly while the suite's KAFKATENANT_* environment holds working
// settings for the embedded cluster, so each error also shows that the
// block wins over the environment.

// providerBlock renders a provider block with a short timeout, so that a
// connection failure is reported in seconds.
func providerBlock(servers []string, extra string) string {
	quoted := make([]string, len(servers))
	for i, s := range servers {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf(`
provider "kafkatenant" {
  bootstrap_servers = [%s]
  timeout           = "3s"
%s
}
`, strings.Join(quoted, ", "), extra)
}

// oneTopic is a resource whose plan needs the cluster (the provider checks
// that the topic does not exist yet).
func oneTopic(name string) string {
	return fmt.Sprintf(`
resource "kafkatenant_topic" "test" {
  name       = %q
  partitions = 1
}
`, name)
}

// testProviderError runs config, which must fail, and checks that the
// error output matches every pattern and contains none of the secrets.
// ExpectError cannot assert that text is absent, so the check runs as the
// case's ErrorCheck, and the test fails unless that check saw an error.
func testProviderError(t *testing.T, config string, secrets []string, patterns ...string) {
	t.Helper()
	checkProviderError(t, true, config, secrets, patterns...)
}

// checkProviderError is testProviderError, run in parallel with other
// tests or not (a test that sets environment variables cannot be).
func checkProviderError(t *testing.T, parallel bool, config string, secrets []string, patterns ...string) {
	t.Helper()
	seen := false
	run := resource.Test
	if parallel {
		run = resource.ParallelTest
	}
	run(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		ErrorCheck: func(err error) error {
			text := err.Error()
			for _, s := range secrets {
				if strings.Contains(text, s) {
					return fmt.Errorf("the error output contains a secret: %w", err)
				}
			}
			for _, p := range patterns {
				if !expectError(p).MatchString(text) {
					return fmt.Errorf("the error output does not match %q: %w", p, err)
				}
			}
			seen = true
			return nil
		},
		Steps: []resource.TestStep{{Config: config, PlanOnly: true}},
	})
	if !seen {
		t.Fatal("the configuration planned without the expected error")
	}
}

func TestAccProvider_wrongPassword(t *testing.T) {
	conn := acctest.ConnectionConfig()
	if conn.SASL == nil || !slices.Contains([]string{kafka.MechanismPlain, kafka.MechanismScramSHA256, kafka.MechanismScramSHA512}, conn.SASL.Mechanism) {
		t.Skip("the cluster under test takes no password login (KAFKATENANT_SASL_MECHANISM is not PLAIN or SCRAM)")
	}
	password := "wrong-" + sdkacctest.RandString(12)
	config := providerBlock(conn.BootstrapServers, fmt.Sprintf(`
  sasl = {
    mechanism = %q
    username  = %q
    password  = %q
  }
`, conn.SASL.Mechanism, conn.SASL.Username, password)) + oneTopic(acctest.Name("auth"))
	testProviderError(t, config, []string{password, conn.SASL.Password},
		`Error: Kafka Authentication Failed`,
		regexp.QuoteMeta(fmt.Sprintf(`rejected SASL %s authentication as %q`, conn.SASL.Mechanism, conn.SASL.Username)),
		`Check sasl\.username and sasl\.password`,
	)
}

func TestAccProvider_unreachable(t *testing.T) {
	config := providerBlock([]string{"127.0.0.1:1"}, "") + oneTopic(acctest.Name("unreachable"))
	testProviderError(t, config, nil,
		`Error: Kafka Brokers Unreachable`,
		`No TCP connection to 127\.0\.0\.1:1 could be opened`,
	)
}

func TestAccProvider_tlsToPlaintext(t *testing.T) {
	conn := acctest.ConnectionConfig()
	if conn.TLS != nil {
		t.Skip("the cluster under test is reached over TLS, so it has no plaintext listener to try")
	}
	config := providerBlock(conn.BootstrapServers, `
  tls = {
    insecure_skip_verify = true
  }
`) + oneTopic(acctest.Name("tls"))
	var secrets []string
	if conn.SASL != nil {
		secrets = append(secrets, conn.SASL.Password)
	}
	testProviderError(t, config, secrets,
		`Error: TLS Enabled Against a Plaintext Listener`,
		`set tls\.enabled = false`,
	)
}

// A mechanism outside the enum is caught by the schema, before any
// connection: the unreachable address would otherwise give another error.
func TestAccProvider_invalidMechanism(t *testing.T) {
	config := providerBlock([]string{"127.0.0.1:1"}, `
  sasl = {
    mechanism = "GSSAPI"
    username  = "alice"
  }
`) + oneTopic(acctest.Name("mechanism"))
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config,
			PlanOnly:    true,
			ExpectError: expectError(`sasl\.mechanism value must be one of: \["PLAIN" "SCRAM-SHA-256" "SCRAM-SHA-512" "OAUTHBEARER" "AWS_MSK_IAM"\]`),
		}},
	})
}

// A bootstrap address that comes from another resource is unknown at plan
// time. The plan must succeed without a connection, and the apply must
// connect once the address is known.
func TestAccProvider_unknownBootstrapServers(t *testing.T) {
	name := acctest.Name("lazy")
	config := fmt.Sprintf(`
resource "terraform_data" "brokers" {
  input = %q
}

provider "kafkatenant" {
  bootstrap_servers = [terraform_data.brokers.output]
  timeout           = "10s"
}
`, acctest.ConnectionConfig().BootstrapServers[0]) + oneTopic(name)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkTopicsDestroyed(t, name),
		Steps: []resource.TestStep{
			{
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				Check:  checkTopicOnCluster(t, name, 1, nil),
			},
		},
	})
}

// TestAccProvider_secretsNeverLogged runs the real CLI against the built
// provider binary with TF_LOG=trace and checks that the SASL password
// reaches neither the log, the state nor the CLI's output. The password is
// one only this test knows, on an in-process cluster of its own (so the
// test runs against external clusters too), and any occurrence is a leak.
func TestAccProvider_secretsNeverLogged(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	password := "leak-canary-" + sdkacctest.RandString(16)
	cluster, err := embedded.Start(embedded.Options{Brokers: 1, AdminPassword: password})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cli, err := tfcli.Resolve(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pluginDir := filepath.Join(dir, "plugins")
	buildProvider(ctx, t, filepath.Join(pluginDir, "terraform-provider-kafkatenant"))

	host := "registry.terraform.io"
	if cli.OpenTofu {
		host = "registry.opentofu.org"
	}
	rc := filepath.Join(dir, "dev.tfrc")
	mustWriteFile(t, rc, fmt.Sprintf(`disable_checkpoint = true
provider_installation {
  dev_overrides {
    %q = %q
  }
  direct {}
}
`, host+"/kafkatenant/kafkatenant", pluginDir))

	work := filepath.Join(dir, "work")
	name := acctest.Name("secret")
	mustWriteFile(t, filepath.Join(work, "main.tf"), fmt.Sprintf(`
terraform {
  required_providers {
    kafkatenant = {
      source = "kafkatenant/kafkatenant"
    }
  }
}

provider "kafkatenant" {
  bootstrap_servers = [%q]
  timeout           = "10s"
  sasl = {
    mechanism = %q
    username  = %q
    # The password comes from KAFKATENANT_SASL_PASSWORD.
  }
}
`, cluster.BootstrapServers()[0], embedded.DefaultMechanism, cluster.AdminUser())+oneTopic(name))

	logPath := filepath.Join(dir, "terraform.log")
	env := []string{
		"TF_CLI_CONFIG_FILE=" + rc,
		"TF_LOG=trace",
		"TF_LOG_PATH=" + logPath,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"KAFKATENANT_SASL_PASSWORD=" + password,
	}
	// The suite's KAFKATENANT_* variables point at the shared cluster;
	// only this test's settings may reach the child.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KAFKATENANT_") && !strings.HasPrefix(kv, "TF_") {
			env = append(env, kv)
		}
	}
	var output bytes.Buffer
	captured := map[string]string{}
	for _, args := range [][]string{
		{"plan", "-input=false", "-no-color"},
		{"apply", "-input=false", "-no-color", "-auto-approve"},
		{"destroy", "-input=false", "-no-color", "-auto-approve"},
	} {
		cmd := exec.CommandContext(ctx, cli.Path, args...)
		cmd.Dir, cmd.Env = work, env
		out, err := cmd.CombinedOutput()
		output.Write(out)
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", args[0], err, out)
		}
		if args[0] == "apply" {
			assertTopicExists(ctx, t, cluster, name)
			captured["the state after apply"] = mustReadFile(t, filepath.Join(work, "terraform.tfstate"))
		}
	}
	captured["the state after destroy"] = mustReadFile(t, filepath.Join(work, "terraform.tfstate"))

	logText := mustReadFile(t, logPath)
	if !strings.Contains(logText, "sasl.password=(redacted)") {
		t.Fatalf("the trace log (%d bytes) lacks the provider's redacted connection line, so it did not capture the provider's logs", len(logText))
	}
	captured["the trace log"], captured["the CLI output"] = logText, output.String()
	for what, text := range captured {
		if strings.Contains(text, password) {
			t.Errorf("%s contains the SASL password", what)
		}
	}
}

// buildProvider builds the provider binary from the repository root.
func buildProvider(ctx context.Context, t *testing.T, bin string) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root not found at %s: %v", root, err)
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
}

// assertTopicExists proves the apply authenticated with the password from
// the environment, not merely that the CLI exited cleanly.
func assertTopicExists(ctx context.Context, t *testing.T, cluster *embedded.Cluster, name string) {
	t.Helper()
	c := kafka.NewClient(kafka.Config{
		BootstrapServers: cluster.BootstrapServers(),
		Timeout:          10 * time.Second,
		SASL:             &kafka.SASLConfig{Mechanism: embedded.DefaultMechanism, Username: cluster.AdminUser(), Password: cluster.AdminPassword()},
	})
	defer c.Close()
	if _, err := c.DescribeTopic(ctx, name); err != nil {
		t.Fatalf("after apply, topic %s: %v", name, err)
	}
}

func mustWriteFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func mustReadFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
