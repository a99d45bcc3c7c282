package provider_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
)

// Variables that make a missing client a failure instead of a skip; .ci/run
// sets them after scripts/ensure-clients.sh.
const (
	requireLibrdkafkaEnv = "KAFKATENANT_REQUIRE_LIBRDKAFKA"
	requireKafkaJSEnv    = "KAFKATENANT_REQUIRE_KAFKAJS"
)

// kafkajsVersion is the KafkaJS release scripts/ensure-clients.sh installs.
const kafkajsVersion = "2.2.4"

// TestAccClients_realClients logs in as two tenants with the clients most
// applications use that are not written in Go: kcat and
// confluent-kafka-python (both librdkafka) and KafkaJS, configured only
// with the client_properties the provider computed and the tenant's
// password. Each tenant produces and consumes in a group inside its own
// namespace, is refused with an authorization error on the other tenant's
// topic, and can read but not write the shared topic.
func TestAccClients_realClients(t *testing.T) {
	clients := []realClient{kcatClient(t), confluentKafkaPython(t), kafkaJS(t)}
	vc, a, b, shared := acctest.Name("vc"), acctest.Name("a"), acctest.Name("b"), acctest.Name("shared")
	userA, userB := vc+"."+a, vc+"."+b
	var topics strings.Builder
	for _, c := range clients {
		for _, tenant := range []string{"a", "b"} {
			fmt.Fprintf(&topics, `
resource "kafkatenant_topic" "%[1]s_%[2]s" {
  name       = "${kafkatenant_tenant.%[1]s.topic_prefix}events-%[2]s"
  tenant     = kafkatenant_tenant.%[1]s.name
  partitions = 1
}
`, tenant, c.name)
		}
	}
	config := twoTenantsConfig(vc, a, b, shared) + topics.String()

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(s *terraform.State) error {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
				defer cancel()
				produceAsAdmin(ctx, t, shared, "published by the platform")
				tenantA := tenantProperties(t, s, "kafkatenant_tenant.a", userA, "password-of-a")
				tenantB := tenantProperties(t, s, "kafkatenant_tenant.b", userB, "password-of-b")
				for _, c := range clients {
					t.Run(c.name, func(t *testing.T) {
						if c.skip != "" {
							t.Skip(c.skip)
						}
						exerciseTenant(ctx, t, c, tenantA, userA+".", userB+".", shared)
						exerciseTenant(ctx, t, c, tenantB, userB+".", userA+".", shared)
					})
				}
				return nil
			},
		}},
	})
}

// exerciseTenant runs the isolation scenario for one tenant with one
// client: own is the tenant's prefix, other the other tenant's.
func exerciseTenant(ctx context.Context, t *testing.T, c realClient, props map[string]string, own, other, shared string) {
	t.Helper()
	mine, theirs := own+"events-"+c.name, other+"events-"+c.name
	value := "from " + c.name + " as " + props["sasl.username"]
	results := c.run(ctx, t, props, []clientAction{
		{Op: "produce", Topic: mine, Value: value},
		{Op: "consume", Topic: mine, Group: own + c.name + "-readers", Count: 1},
		{Op: "produce", Topic: theirs, Value: "intrusion"},
		{Op: "consume", Topic: theirs, Group: own + c.name + "-intruders", Count: 1},
		{Op: "consume", Topic: shared, Group: own + c.name + "-shared-readers", Count: 1},
		{Op: "produce", Topic: shared, Value: "tampering"},
	})
	user := props["sasl.username"]
	wantOK(t, c, user+" producing to its own topic "+mine, results[0])
	if wantOK(t, c, user+" consuming its own topic "+mine+" in a group", results[1]) && (len(results[1].Values) != 1 || results[1].Values[0] != value) {
		t.Errorf("%s: %s consumed %q from %s, want [%q]", c.name, user, results[1].Values, mine, value)
	}
	wantDenied(t, c, user+" producing to the other tenant's topic "+theirs, results[2])
	wantDenied(t, c, user+" consuming the other tenant's topic "+theirs, results[3])
	if wantOK(t, c, user+" reading the shared topic "+shared, results[4]) && (len(results[4].Values) != 1 || results[4].Values[0] != "published by the platform") {
		t.Errorf("%s: %s read %q from the shared topic, want the platform's record", c.name, user, results[4].Values)
	}
	wantDenied(t, c, user+" writing the shared topic "+shared, results[5])
}

func wantOK(t *testing.T, c realClient, what string, r clientResult) bool {
	t.Helper()
	if !r.OK {
		t.Errorf("%s: %s failed: %s (%s)", c.name, what, r.Error, r.Message)
	}
	return r.OK
}

// authorizationError matches the error names Kafka gives a refused topic,
// group or cluster operation.
var authorizationError = regexp.MustCompile(`^(TOPIC|GROUP|CLUSTER)_AUTHORIZATION_FAILED$`)

func wantDenied(t *testing.T, c realClient, what string, r clientResult) {
	t.Helper()
	switch {
	case r.OK:
		t.Errorf("%s: %s succeeded; it must be denied", c.name, what)
	case !authorizationError.MatchString(r.Error):
		t.Errorf("%s: %s failed with %s (%s); want an authorization error", c.name, what, r.Error, r.Message)
	}
}

// tenantProperties returns the tenant's client_properties from state with
// its password added, the way a team would configure its application.
func tenantProperties(t *testing.T, s *terraform.State, address, user, password string) map[string]string {
	t.Helper()
	rs, ok := s.RootModule().Resources[address]
	if !ok {
		t.Fatalf("%s is not in state", address)
	}
	props := map[string]string{}
	for k, v := range rs.Primary.Attributes {
		if key, ok := strings.CutPrefix(k, "client_properties."); ok && key != "%" {
			props[key] = v
		}
	}
	for _, key := range []string{"bootstrap.servers", "security.protocol", "sasl.mechanism", "sasl.username"} {
		if props[key] == "" {
			t.Fatalf("%s has no client_properties[%q]: %v", address, key, props)
		}
	}
	if props["sasl.username"] != user {
		t.Fatalf("%s's client_properties name user %q, want %q", address, props["sasl.username"], user)
	}
	props["sasl.password"] = password
	return props
}

// clientAction is one operation for a client to run, in the JSON protocol
// of the scripts in testdata/clients.
type clientAction struct {
	Op    string `json:"op"`
	Topic string `json:"topic"`
	Value string `json:"value,omitempty"`
	Group string `json:"group,omitempty"`
	Count int    `json:"count,omitempty"`
}

// clientResult is the outcome of one action. Error is Kafka's name for
// the error, such as TOPIC_AUTHORIZATION_FAILED.
type clientResult struct {
	OK      bool     `json:"ok"`
	Values  []string `json:"values"`
	Error   string   `json:"error"`
	Message string   `json:"message"`
}

// realClient runs actions with one client program. skip, when set, says
// why the client is not available and how to install it.
type realClient struct {
	name string
	skip string
	run  func(ctx context.Context, t *testing.T, props map[string]string, actions []clientAction) []clientResult
}

// unavailable returns the skip reason for a missing client, or fails the
// test when requireEnv is 1.
func unavailable(t *testing.T, requireEnv, why string) string {
	t.Helper()
	if os.Getenv(requireEnv) == "1" {
		t.Fatalf("%s (%s=1 makes this a failure)", why, requireEnv)
	}
	return why
}

const librdkafkaInstall = "run scripts/ensure-clients.sh, which as root on Debian or Ubuntu runs: apt-get install -y --no-install-recommends kcat python3-confluent-kafka"

// kcatClient runs each action as one kcat invocation.
func kcatClient(t *testing.T) realClient {
	c := realClient{name: "kcat"}
	bin, err := exec.LookPath("kcat")
	if err != nil {
		c.skip = unavailable(t, requireLibrdkafkaEnv, "kcat is not on PATH: "+librdkafkaInstall)
		return c
	}
	c.run = func(ctx context.Context, t *testing.T, props map[string]string, actions []clientAction) []clientResult {
		t.Helper()
		keys := make([]string, 0, len(props))
		for k := range props {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var base []string
		for _, k := range keys {
			if k == "bootstrap.servers" {
				base = append(base, "-b", props[k])
				continue
			}
			base = append(base, "-X", k+"="+props[k])
		}
		out := make([]clientResult, len(actions))
		for i, a := range actions {
			args := append([]string{}, base...)
			stdin := ""
			switch a.Op {
			case "produce":
				// -X message.timeout.ms bounds how long a refused record is
				// retried; kcat exits non-zero when delivery fails.
				args = append(args, "-X", "message.timeout.ms=20000", "-P", "-t", a.Topic)
				stdin = a.Value + "\n"
			case "consume":
				// Balanced consumer in group a.Group; -c exits after Count
				// records, after committing them.
				args = append(args, "-X", "auto.offset.reset=earliest", "-e", "-c", fmt.Sprint(a.Count), "-f", "%s\n", "-G", a.Group, a.Topic)
			}
			out[i] = runKcat(ctx, bin, args, stdin, a.Count)
		}
		return out
	}
	return c
}

// librdkafkaError finds librdkafka's text for a broker error, such as
// "Broker: Topic authorization failed", in kcat's output.
var librdkafkaError = regexp.MustCompile(`Broker: ([A-Za-z ]+?) (authorization failed)`)

func runKcat(ctx context.Context, bin string, args []string, stdin string, count int) clientResult {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if m := librdkafkaError.FindStringSubmatch(stderr.String()); m != nil {
		name := strings.ToUpper(strings.ReplaceAll(m[1]+" "+m[2], " ", "_"))
		return clientResult{Error: name, Message: strings.TrimSpace(stderr.String())}
	}
	if err != nil {
		return clientResult{Error: "EXIT", Message: fmt.Sprintf("%v: %s", err, strings.TrimSpace(stderr.String()))}
	}
	var values []string
	if count > 0 {
		values = strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
		if len(values) != count {
			return clientResult{Error: "SHORT_READ", Message: fmt.Sprintf("read %q: %s", values, strings.TrimSpace(stderr.String()))}
		}
	}
	return clientResult{OK: true, Values: values}
}

// confluentKafkaPython runs the actions with confluent-kafka-python.
func confluentKafkaPython(t *testing.T) realClient {
	c := realClient{name: "python"}
	python := ""
	// Debian's python3-confluent-kafka is installed for the system Python,
	// which may not be the python3 first on PATH.
	candidates := []string{"/usr/bin/python3"}
	if p, err := exec.LookPath("python3"); err == nil {
		candidates = append(candidates, p)
	}
	for _, p := range candidates {
		if exec.Command(p, "-c", "import confluent_kafka").Run() == nil {
			python = p
			break
		}
	}
	if python == "" {
		c.skip = unavailable(t, requireLibrdkafkaEnv, "no python3 can import confluent_kafka: "+librdkafkaInstall)
		return c
	}
	c.run = scriptRunner(python, nil, "confluent_kafka_client.py")
	return c
}

// kafkaJS runs the actions with KafkaJS under node.
func kafkaJS(t *testing.T) realClient {
	c := realClient{name: "kafkajs"}
	dir := os.Getenv("KAFKAJS_DIR")
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			c.skip = unavailable(t, requireKafkaJSEnv, "no cache directory for KafkaJS: "+err.Error())
			return c
		}
		dir = filepath.Join(cache, "kafkatenant", "kafkajs-"+kafkajsVersion)
	}
	install := fmt.Sprintf("run scripts/ensure-clients.sh, or: npm install --prefix %q --no-save kafkajs@%s (with node and npm on PATH)", dir, kafkajsVersion)
	node, err := exec.LookPath("node")
	if err != nil {
		c.skip = unavailable(t, requireKafkaJSEnv, "node is not on PATH: "+install)
		return c
	}
	modules := filepath.Join(dir, "node_modules")
	raw, err := os.ReadFile(filepath.Join(modules, "kafkajs", "package.json"))
	var pkg struct {
		Version string `json:"version"`
	}
	if err != nil || json.Unmarshal(raw, &pkg) != nil || pkg.Version != kafkajsVersion {
		c.skip = unavailable(t, requireKafkaJSEnv, fmt.Sprintf("kafkajs %s is not installed in %s: %s", kafkajsVersion, dir, install))
		return c
	}
	c.run = scriptRunner(node, []string{"NODE_PATH=" + modules}, "kafkajs_client.js")
	return c
}

// scriptRunner runs testdata/clients/script with interpreter, sending the
// client properties and actions as JSON on stdin.
func scriptRunner(interpreter string, env []string, script string) func(context.Context, *testing.T, map[string]string, []clientAction) []clientResult {
	return func(ctx context.Context, t *testing.T, props map[string]string, actions []clientAction) []clientResult {
		t.Helper()
		in, err := json.Marshal(map[string]any{"config": props, "actions": actions})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, interpreter, filepath.Join("testdata", "clients", script))
		cmd.Env = append(os.Environ(), env...)
		cmd.Stdin = bytes.NewReader(in)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s %s: %v\n%s", interpreter, script, err, stderr.String())
		}
		var out []clientResult
		if err := json.Unmarshal(stdout.Bytes(), &out); err != nil || len(out) != len(actions) {
			t.Fatalf("%s %s printed %q, want %d results: %v\n%s", interpreter, script, stdout.String(), len(actions), err, stderr.String())
		}
		return out
	}
}
