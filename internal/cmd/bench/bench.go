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
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/embedded"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tfcli"
)

// bench holds what every phase needs.
type bench struct {
	opts     options
	cli      tfcli.CLI
	cluster  *embedded.Cluster
	requests *requestCounter
	// providerExe is the built provider, whose processes are watched for
	// their memory.
	providerExe string
	// env is added to the CLI's environment: the provider's connection
	// settings, and switches that keep the CLI from prompting.
	env []string
	// idleEnv points the CLI at the idle provider
	// (internal/cmd/idleprovider); it is empty without -idle.
	idleEnv string
}

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
	providerExe := filepath.Join(binDir, "terraform-provider-kafkatenant")
	if _, err := tfcli.Prepare(cli, filepath.Join(tmp, "cli"), devOverrides(binDir)); err != nil {
		return fmt.Errorf("writing the CLI configuration: %w", err)
	}
	pkg := "."
	if opts.profileDir != "" {
		pkg = "./internal/cmd/profiledprovider"
		if err := os.MkdirAll(opts.profileDir, 0o755); err != nil {
			return err
		}
	}
	if err := buildProvider(ctx, pkg, providerExe); err != nil {
		return err
	}
	var idleEnv string
	if opts.idle {
		// A second CLI configuration whose dev_overrides resolve the same
		// source address to the idle provider, used for its runs only.
		idleDir := filepath.Join(tmp, "idle-bin")
		if err := buildProvider(ctx, "./internal/cmd/idleprovider", filepath.Join(idleDir, "terraform-provider-kafkatenant")); err != nil {
			return err
		}
		rc := filepath.Join(tmp, "idle-cli.tfrc")
		if err := os.WriteFile(rc, []byte("disable_checkpoint = true\n"+devOverrides(idleDir)), 0o644); err != nil {
			return err
		}
		idleEnv = "TF_CLI_CONFIG_FILE=" + rc
	}

	cluster, err := embedded.Start(embedded.Options{})
	if err != nil {
		return err
	}
	defer cluster.Close()
	b := &bench{
		opts:        opts,
		cli:         cli,
		cluster:     cluster,
		requests:    countRequests(cluster),
		providerExe: providerExe,
		env:         []string{"TF_IN_AUTOMATION=1", "TF_INPUT=0"},
		idleEnv:     idleEnv,
	}
	for k, v := range cluster.Env() {
		b.env = append(b.env, k+"="+v)
	}
	if opts.profileDir != "" {
		b.env = append(b.env, "KAFKATENANT_PROFILE_DIR="+opts.profileDir)
	}
	fmt.Fprintf(os.Stderr, "bench: %s (%s), embedded cluster at %s, %d CPUs, -parallelism=%d, %d round(s) per size\n",
		cli.Path, cli.Source, strings.Join(cluster.BootstrapServers(), ","), runtime.NumCPU(), opts.parallelism, opts.repeat)

	for _, wr := range opts.runs {
		var results []result
		var failed error
		for _, size := range wr.sizes {
			dir := filepath.Join(tmp, fmt.Sprintf("%s-%d", wr.workload.name, size))
			rs, err := b.measure(ctx, wr.workload, dir, size)
			results = append(results, rs...)
			if err != nil {
				failed = fmt.Errorf("benchmarking the %s workload at %s=%d: %w", wr.workload.name, wr.workload.sizeLabel, size, err)
				break
			}
		}
		// A failure late in a long run still reports what was measured.
		title := fmt.Sprintf("%s, -parallelism=%d, %d round(s), %s", wr.workload.title, opts.parallelism, opts.repeat, filepath.Base(cli.Path))
		if failed != nil {
			title += ", INCOMPLETE: the run failed after these samples"
		}
		if measured := withSamples(results); len(measured) > 0 {
			fmt.Printf("\n%s\n\n", title)
			if err := printTable(os.Stdout, wr.workload.sizeLabel, measured); err != nil {
				return err
			}
		}
		if failed != nil {
			return failed
		}
	}
	return nil
}

// buildProvider compiles the provider's main package pkg, relative to the
// module root, to exe, in the directory the dev_overrides point at.
func buildProvider(ctx context.Context, pkg, exe string) error {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("locating the module root: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return errors.New("run the benchmark from inside the kafkatenant module (go env GOMOD is empty)")
	}
	start := time.Now()
	build := exec.CommandContext(ctx, "go", "build", "-o", exe, pkg)
	build.Dir = filepath.Dir(gomod)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building the provider: %w", err)
	}
	fmt.Fprintf(os.Stderr, "bench: built %s in %.1fs\n", pkg, time.Since(start).Seconds())
	return nil
}

// measure runs every phase of w at size, repeat rounds of each phase's
// runs, provider and floor back to back, alternating which goes first so
// that neither always runs on a machine warmed (or loaded) by the other.
// After each phase the cluster must hold what the workload expects. On an
// error it returns the samples taken so far with it.
func (b *bench) measure(ctx context.Context, w workload, dir string, size int) ([]result, error) {
	provDir, floorDir := filepath.Join(dir, "provider"), filepath.Join(dir, "floor")
	if err := writeWorkdir(provDir, w.provider(size)); err != nil {
		return nil, err
	}
	if err := writeWorkdir(floorDir, w.floor(size)); err != nil {
		return nil, err
	}
	resources := w.resources(size)
	results := make([]result, len(w.phases))
	for i, ph := range w.phases {
		results[i] = result{size: size, resources: resources, phase: ph.name}
	}
	for r := range b.opts.repeat {
		for i, ph := range w.phases {
			for k := range ph.runs {
				s, err := b.sample(ctx, provDir, floorDir, ph, (r*ph.runs+k)%2 == 0)
				if err != nil {
					return results, err
				}
				if err := b.check(ctx, w, size, ph); err != nil {
					return results, err
				}
				idle := ""
				if s.idle > 0 {
					idle = fmt.Sprintf("  idle provider %6.2fs", s.idle.Seconds())
				}
				fmt.Fprintf(os.Stderr, "bench: %s=%d round %d/%d %-20s provider %6.2fs  floor %6.2fs%s  %d Kafka requests  provider RSS %s (%d processes)\n",
					w.sizeLabel, size, r+1, b.opts.repeat, ph.name, s.provider.Seconds(), s.floor.Seconds(), idle, s.requests.total(), s.rss, s.rss.processes)
				results[i].samples = append(results[i].samples, s)
			}
		}
	}
	return results, nil
}

// sample runs a phase on both workdirs, the provider's first or second.
// A plan also runs with the idle provider on the provider's workdir, in
// the middle, next to both.
func (b *bench) sample(ctx context.Context, provDir, floorDir string, ph phase, providerFirst bool) (sample, error) {
	var s sample
	runs := []func() error{
		func() (err error) { s.provider, s.requests, s.rss, err = b.providerPhase(ctx, provDir, ph); return err },
		func() (err error) { s.floor, err = b.floorPhase(ctx, floorDir, ph); return err },
	}
	if b.idleEnv != "" && ph.command == "plan" {
		runs = slices.Insert(runs, 1, func() (err error) { s.idle, err = b.idlePhase(ctx, provDir, ph); return err })
	}
	if !providerFirst {
		slices.Reverse(runs)
	}
	for _, run := range runs {
		if err := run(); err != nil {
			return s, err
		}
	}
	return s, nil
}

// providerPhase runs a phase on the provider's workdir and returns its
// wall time, the Kafka requests it caused and the provider's peak memory.
func (b *bench) providerPhase(ctx context.Context, dir string, ph phase) (time.Duration, requestCounts, peakRSS, error) {
	b.requests.take() // whatever came before belongs to no phase
	d, rss, err := b.terraform(ctx, dir, ph, b.providerExe)
	return d, b.requests.take(), rss, err
}

// floorPhase runs a phase on the terraform_data workdir. The floor has no
// provider, so a request would mean something else talks to the cluster
// and the provider's counts cannot be trusted.
func (b *bench) floorPhase(ctx context.Context, dir string, ph phase) (time.Duration, error) {
	return b.quietPhase(ctx, dir, ph, "the floor, which has no provider: request counts are not attributable")
}

// idlePhase runs a plan on the provider's workdir with the idle provider,
// which answers every resource without work and reads nothing: a request
// would mean its run measured more than Terraform's cost of a plugin.
func (b *bench) idlePhase(ctx context.Context, dir string, ph phase) (time.Duration, error) {
	return b.quietPhase(ctx, dir, ph, "the idle provider, which reads nothing", b.idleEnv)
}

// quietPhase runs a phase, with env added to the CLI's environment, that
// must send no request to the brokers, and fails, saying who ran it, if
// they saw any meanwhile.
func (b *bench) quietPhase(ctx context.Context, dir string, ph phase, who string, env ...string) (time.Duration, error) {
	b.requests.take()
	d, _, err := b.terraform(ctx, dir, ph, "", env...)
	if err != nil {
		return d, err
	}
	if stray := b.requests.take(); stray.total() > 0 {
		return d, fmt.Errorf("the brokers received %d requests (%s) during the %s of %s", stray.total(), stray.top(4), ph.name, who)
	}
	return d, nil
}

// terraform runs one phase in dir, with env added to the CLI's
// environment, and returns its wall time and, when providerExe is set, the
// peak memory of the provider processes it started. A plan must find
// nothing to change (exit code 0 with -detailed-exitcode): anything else is
// a failure of the benchmark, not a measurement.
func (b *bench) terraform(ctx context.Context, dir string, ph phase, providerExe string, env ...string) (time.Duration, peakRSS, error) {
	args := []string{ph.command, "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", b.opts.parallelism)}
	switch ph.command {
	case "apply", "destroy":
		args = append(args, "-auto-approve")
	case "plan":
		args = append(args, "-detailed-exitcode")
	}
	args = append(args, ph.args...)
	cmd := exec.CommandContext(ctx, b.cli.Path, args...)
	cmd.Dir = dir
	// Later entries win: env overrides the CLI configuration in b.env.
	cmd.Env = append(append(os.Environ(), b.env...), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// On Ctrl-C, let the CLI stop its providers and write its state
	// rather than killing it outright.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = 30 * time.Second

	start := time.Now()
	err := cmd.Start()
	var rss peakRSS
	if err == nil {
		if providerExe != "" {
			stop := watchProvider(cmd.Process.Pid, providerExe, rssInterval)
			err = cmd.Wait()
			rss = stop()
		} else {
			err = cmd.Wait()
		}
	}
	elapsed := time.Since(start)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return elapsed, rss, nil
	case ctx.Err() != nil:
		// Interrupted: the CLI's output only repeats that it halted.
		return elapsed, rss, fmt.Errorf("terraform %s in %s: %w", ph.name, dir, ctx.Err())
	case ph.command == "plan" && errors.As(err, &exit) && exit.ExitCode() == 2:
		return elapsed, rss, fmt.Errorf("the %s in %s was not empty: the configuration does not converge\n%s", ph.name, dir, tail(out.String(), 60))
	default:
		return elapsed, rss, fmt.Errorf("terraform %s in %s: %w\n%s", strings.Join(args, " "), dir, err, tail(out.String(), 60))
	}
}

// check confirms that a phase did what it claims on the cluster: after
// apply and plan it holds exactly the workload's objects, after destroy
// none. The check's own requests are discarded before the next phase.
func (b *bench) check(ctx context.Context, w workload, size int, ph phase) error {
	got, err := takeInventory(ctx, b.cluster)
	if err != nil {
		return fmt.Errorf("listing the benchmark's objects after %s: %w", ph.name, err)
	}
	if d := diffInventories(w.expect(size, ph.applied()), got); d != "" {
		return fmt.Errorf("after %s the cluster does not hold what the configuration declares:\n%s", ph.name, d)
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
