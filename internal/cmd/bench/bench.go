package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/embedded"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tfcli"
)

// bench holds what every phase needs.
type bench struct {
	opts     options
	cli      tfcli.CLI
	cluster  *embedded.Cluster
	requests *requestCounter
	// env is added to the CLI's environment: the provider's connection
	// settings, and switches that keep the CLI from prompting.
	env []string
}

// phases run in this order on both workdirs; each depends on the previous.
var phases = []string{"apply", "plan", "destroy"}

// run builds the provider, starts the cluster, measures every size and
// prints the table. Everything it creates lives in one temporary directory
// and the in-process cluster, both gone when it returns.
func run(ctx context.Context, opts options) error {
	tmp, err := os.MkdirTemp("", "kafkatenant-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	cli, err := tfcli.Resolve(ctx, func(msg string) { fmt.Fprintln(os.Stderr, msg) })
	if err != nil {
		return fmt.Errorf("finding a Terraform CLI: %w", err)
	}
	binDir := filepath.Join(tmp, "bin")
	if _, err := tfcli.Prepare(cli, filepath.Join(tmp, "cli"), devOverrides(binDir)); err != nil {
		return fmt.Errorf("writing the CLI configuration: %w", err)
	}
	if err := buildProvider(ctx, binDir); err != nil {
		return err
	}

	cluster, err := embedded.Start(embedded.Options{})
	if err != nil {
		return err
	}
	defer cluster.Close()
	b := &bench{
		opts:     opts,
		cli:      cli,
		cluster:  cluster,
		requests: countRequests(cluster),
		env:      []string{"TF_IN_AUTOMATION=1", "TF_INPUT=0"},
	}
	for k, v := range cluster.Env() {
		b.env = append(b.env, k+"="+v)
	}
	fmt.Fprintf(os.Stderr, "bench: %s (%s), embedded cluster at %s, %d CPUs, -parallelism=%d, %d run(s) per size\n",
		cli.Path, cli.Source, strings.Join(cluster.BootstrapServers(), ","), runtime.NumCPU(), opts.parallelism, opts.repeat)

	var results []result
	for _, n := range opts.sizes {
		rs, err := b.measure(ctx, filepath.Join(tmp, fmt.Sprintf("n%d", n)), n)
		if err != nil {
			return fmt.Errorf("benchmarking %d resources: %w", n, err)
		}
		results = append(results, rs...)
	}
	fmt.Printf("\nkafkatenant_topic vs terraform_data, -parallelism=%d, median of %d run(s), %s\n\n", opts.parallelism, opts.repeat, filepath.Base(cli.Path))
	return printTable(os.Stdout, results)
}

// buildProvider compiles the provider from the module root into binDir,
// where the dev_overrides point.
func buildProvider(ctx context.Context, binDir string) error {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("locating the module root: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return errors.New("run the benchmark from inside the kafkatenant module (go env GOMOD is empty)")
	}
	start := time.Now()
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(binDir, "terraform-provider-kafkatenant"), ".")
	build.Dir = filepath.Dir(gomod)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building the provider: %w", err)
	}
	fmt.Fprintf(os.Stderr, "bench: built the provider in %.1fs\n", time.Since(start).Seconds())
	return nil
}

// measure runs every phase at size n, repeat times, provider and floor
// back to back, alternating which goes first so that neither always runs
// on a machine warmed (or loaded) by the other.
func (b *bench) measure(ctx context.Context, dir string, n int) ([]result, error) {
	provDir, floorDir := filepath.Join(dir, "provider"), filepath.Join(dir, "floor")
	if err := writeWorkdir(provDir, providerConfig(n)); err != nil {
		return nil, err
	}
	if err := writeWorkdir(floorDir, floorConfig(n)); err != nil {
		return nil, err
	}
	results := make([]result, len(phases))
	for i, ph := range phases {
		results[i] = result{n: n, phase: ph}
	}
	for r := 0; r < b.opts.repeat; r++ {
		for i, ph := range phases {
			var s sample
			var err error
			if r%2 == 0 {
				if s.provider, s.requests, err = b.providerPhase(ctx, provDir, ph); err == nil {
					s.floor, err = b.floorPhase(ctx, floorDir, ph)
				}
			} else {
				if s.floor, err = b.floorPhase(ctx, floorDir, ph); err == nil {
					s.provider, s.requests, err = b.providerPhase(ctx, provDir, ph)
				}
			}
			if err != nil {
				return nil, err
			}
			if err := b.checkTopics(ctx, ph, n); err != nil {
				return nil, err
			}
			fmt.Fprintf(os.Stderr, "bench: N=%d run %d/%d %-7s provider %6.2fs  floor %6.2fs  %d Kafka requests\n",
				n, r+1, b.opts.repeat, ph, s.provider.Seconds(), s.floor.Seconds(), s.requests.total())
			results[i].samples = append(results[i].samples, s)
		}
	}
	return results, nil
}

// providerPhase runs a phase on the provider's workdir and returns its
// wall time and the Kafka requests it caused.
func (b *bench) providerPhase(ctx context.Context, dir, ph string) (time.Duration, requestCounts, error) {
	b.requests.take() // whatever came before belongs to no phase
	d, err := b.terraform(ctx, dir, ph)
	return d, b.requests.take(), err
}

// floorPhase runs a phase on the terraform_data workdir. It fails if the
// brokers saw any request meanwhile: the floor has no provider, so a
// request would mean something else talks to the cluster and the provider's
// counts cannot be trusted.
func (b *bench) floorPhase(ctx context.Context, dir, ph string) (time.Duration, error) {
	b.requests.take()
	d, err := b.terraform(ctx, dir, ph)
	if err != nil {
		return d, err
	}
	if stray := b.requests.take(); stray.total() > 0 {
		return d, fmt.Errorf("the brokers received %d requests (%s) during the floor's %s, which has no provider: request counts are not attributable",
			stray.total(), stray.top(4), ph)
	}
	return d, nil
}

// terraform runs one phase in dir and returns its wall time. A plan must
// find nothing to change (exit code 0 with -detailed-exitcode): anything
// else is a failure of the benchmark, not a measurement.
func (b *bench) terraform(ctx context.Context, dir, ph string) (time.Duration, error) {
	args := []string{ph, "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", b.opts.parallelism)}
	switch ph {
	case "apply", "destroy":
		args = append(args, "-auto-approve")
	case "plan":
		args = append(args, "-detailed-exitcode")
	}
	cmd := exec.CommandContext(ctx, b.cli.Path, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), b.env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// On Ctrl-C, let the CLI stop its providers and write its state
	// rather than killing it outright.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = 30 * time.Second

	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return elapsed, nil
	case ctx.Err() != nil:
		// Interrupted: the CLI's output only repeats that it halted.
		return elapsed, fmt.Errorf("terraform %s in %s: %w", ph, dir, ctx.Err())
	case ph == "plan" && errors.As(err, &exit) && exit.ExitCode() == 2:
		return elapsed, fmt.Errorf("the plan in %s after apply was not empty: the configuration does not converge\n%s", dir, tail(out.String(), 60))
	default:
		return elapsed, fmt.Errorf("terraform %s in %s: %w\n%s", strings.Join(args, " "), dir, err, tail(out.String(), 60))
	}
}

// checkTopics confirms that a phase did what it claims on the cluster:
// after apply the n benchmark topics exist, after destroy none does. The
// check's own requests are discarded before the next phase starts.
func (b *bench) checkTopics(ctx context.Context, ph string, n int) error {
	want := map[string]int{"apply": n, "plan": n, "destroy": 0}[ph]
	c := kafka.NewClient(kafka.Config{
		BootstrapServers: b.cluster.BootstrapServers(),
		SASL: &kafka.SASLConfig{
			Mechanism: embedded.DefaultMechanism,
			Username:  b.cluster.AdminUser(),
			Password:  b.cluster.AdminPassword(),
		},
	})
	defer c.Close()
	topics, err := c.ListTopics(ctx)
	if err != nil {
		return fmt.Errorf("listing topics after %s: %w", ph, err)
	}
	got := 0
	for name := range topics {
		if strings.HasPrefix(name, topicPrefix) {
			got++
		}
	}
	if got != want {
		return fmt.Errorf("after %s the cluster holds %d %s* topics, want %d", ph, got, topicPrefix, want)
	}
	return nil
}

// tail returns the last lines of s, where the CLI puts its errors.
func tail(s string, lines int) string {
	parts := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(parts) > lines {
		parts = append([]string{fmt.Sprintf("... (%d lines omitted)", len(parts)-lines)}, parts[len(parts)-lines:]...)
	}
	return strings.Join(parts, "\n")
}
