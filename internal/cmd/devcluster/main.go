// Command devcluster runs the embedded Kafka-protocol cluster for local
// development, the demo and the out-of-process acceptance run: three
// brokers on loopback ports (fixed by default, or chosen by the system with
// -ports 0,0,0), SASL/SCRAM-SHA-512 with an admin superuser, ACL
// enforcement on. It prints the provider settings to use, writes them to
// -env-file once the brokers listen, and stops cleanly on Ctrl-C or
// SIGTERM. With -check it instead tells whether a cluster answers, for
// container health checks in an image without a shell.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/embedded"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

type options struct {
	ports          []int
	listenHost     string
	advertisedHost string
	dataDir        string
	user, password string
	envFile        string
}

func main() {
	var (
		opts     options
		portList = flag.String("ports", "19092,19093,19094", "comma-separated ports, one per broker; 0 lets the system choose a free one")
		check    = flag.String("check", "", "instead of starting a cluster, log in to the broker at this host:port as the admin user and exit 0 if it answers (a container health check)")
	)
	flag.StringVar(&opts.listenHost, "listen-host", "127.0.0.1", "address the brokers listen on; 0.0.0.0 in a container")
	flag.StringVar(&opts.advertisedHost, "advertised-host", "", "host the brokers name in metadata for clients to connect to (default: the listen host, or localhost when it is 0.0.0.0)")
	flag.StringVar(&opts.dataDir, "data-dir", "", "directory to persist cluster state in, so it survives restarts (default: in memory)")
	flag.StringVar(&opts.user, "admin-user", embedded.DefaultAdminUser, "SCRAM-SHA-512 superuser name")
	flag.StringVar(&opts.password, "admin-password", embedded.DefaultAdminPassword, "SCRAM-SHA-512 superuser password")
	flag.StringVar(&opts.envFile, "env-file", "", "also write the KAFKATENANT_* variables to this file, as shell exports, once the brokers listen")
	flag.Parse()

	var err error
	if *check != "" {
		err = checkBroker(*check, opts.user, opts.password)
	} else if opts.ports, err = parsePorts(*portList); err == nil {
		err = run(opts)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "devcluster:", err)
		os.Exit(1)
	}
}

func parsePorts(list string) ([]int, error) {
	var ports []int
	for _, p := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 0 || n > 65535 {
			return nil, fmt.Errorf("-ports: %q is not a port number (0 to 65535)", p)
		}
		ports = append(ports, n)
	}
	return ports, nil
}

func run(opts options) error {
	c, err := embedded.Start(embedded.Options{
		Brokers:        len(opts.ports),
		Ports:          opts.ports,
		ListenHost:     opts.listenHost,
		AdvertisedHost: opts.advertisedHost,
		AdminUser:      opts.user,
		AdminPassword:  opts.password,
		DataDir:        opts.dataDir,
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
	if opts.envFile != "" {
		if err := writeAtomically(opts.envFile, exports.String()); err != nil {
			return fmt.Errorf("writing -env-file: %w", err)
		}
	}
	persist := "in memory (lost on exit)"
	if opts.dataDir != "" {
		persist = "persisted in " + opts.dataDir
	}
	fmt.Printf("kafkatenant dev cluster: %d brokers at %s, SASL SCRAM-SHA-512, ACLs enforced, state %s.\n\n",
		len(opts.ports), strings.Join(c.BootstrapServers(), ","), persist)
	fmt.Printf("Provider block:\n\n%s\nEnvironment:\n\n%s\nPress Ctrl-C to stop.\n", c.ProviderBlock(), exports.String())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	fmt.Println("\nstopping the dev cluster")
	return nil
}

// writeAtomically writes the file under a temporary name and renames it, so
// that a script waiting for the file never reads half of it.
func writeAtomically(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".devcluster-env-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(content); err != nil {
		return errors.Join(err, tmp.Close())
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// checkBroker logs in to the broker at addr as the admin user and asks for
// the cluster's brokers.
func checkBroker(addr, user, password string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c := kafka.NewClient(kafka.Config{
		BootstrapServers: []string{addr},
		Timeout:          5 * time.Second,
		SASL:             &kafka.SASLConfig{Mechanism: embedded.DefaultMechanism, Username: user, Password: password},
	})
	defer c.Close()
	brokers, err := c.Brokers(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("%s answers: %d brokers\n", addr, len(brokers))
	return nil
}
