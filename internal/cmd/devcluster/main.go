// Command devcluster runs the embedded Kafka-protocol cluster for local
// development and the demo: three brokers on fixed loopback ports,
// SASL/SCRAM-SHA-512 with an admin superuser, ACL enforcement on. It prints
// the provider settings to use and stops cleanly on Ctrl-C or SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/embedded"
)

func main() {
	var (
		ports    = flag.String("ports", "19092,19093,19094", "comma-separated loopback ports, one per broker")
		dataDir  = flag.String("data-dir", "", "directory to persist cluster state in, so it survives restarts (default: in memory)")
		user     = flag.String("admin-user", embedded.DefaultAdminUser, "SCRAM-SHA-512 superuser name")
		password = flag.String("admin-password", embedded.DefaultAdminPassword, "SCRAM-SHA-512 superuser password")
		envFile  = flag.String("env-file", "", "also write the KAFKATENANT_* variables to this file, as shell exports")
	)
	flag.Parse()
	if err := run(*ports, *dataDir, *user, *password, *envFile); err != nil {
		fmt.Fprintln(os.Stderr, "devcluster:", err)
		os.Exit(1)
	}
}

func run(portList, dataDir, user, password, envFile string) error {
	var ports []int
	for _, p := range strings.Split(portList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("-ports: %q is not a port number", p)
		}
		ports = append(ports, n)
	}
	c, err := embedded.Start(embedded.Options{
		Brokers:       len(ports),
		Ports:         ports,
		AdminUser:     user,
		AdminPassword: password,
		DataDir:       dataDir,
	})
	if err != nil {
		return err
	}
	defer c.Close()

	env := c.Env()
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var exports strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&exports, "export %s=%q\n", k, env[k])
	}
	if envFile != "" {
		if err := os.WriteFile(envFile, []byte(exports.String()), 0o600); err != nil {
			return fmt.Errorf("writing -env-file: %w", err)
		}
	}
	persist := "in memory (lost on exit)"
	if dataDir != "" {
		persist = "persisted in " + dataDir
	}
	fmt.Printf("kafkatenant dev cluster: %d brokers at %s, SASL SCRAM-SHA-512, ACLs enforced, state %s.\n\n",
		len(ports), strings.Join(c.BootstrapServers(), ","), persist)
	fmt.Printf("Provider block:\n\n%s\nEnvironment:\n\n%s\nPress Ctrl-C to stop.\n", c.ProviderBlock(), exports.String())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	fmt.Println("\nstopping the dev cluster")
	return nil
}
