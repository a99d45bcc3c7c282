// Command bench measures kafkatenant's workloads against Terraform's own
// floor.
//
// Two workloads: "topics", N kafkatenant_topic resources; and "job", the
// tenant-onboarding job of T tenants in 10 virtual clusters, each tenant
// with a SCRAM credential, a quota and 4 topics (10 + 6T resources), with
// the provider's capacity declared. Each workload runs its phases (topics:
// apply, a plan that must find nothing to change, destroy; job: apply, 3
// such plans, 2 with -refresh=false, destroy) on the embedded cluster, and
// the same phases on as many terraform_data resources, which cost
// Terraform's graph walk and state handling but no provider and no
// network. The two runs of a phase are taken back to back, so the ratio
// between them survives a noisy machine. Each plan is also run, between
// the two, with internal/cmd/idleprovider: the provider's schemas and
// functions with every resource answered without work, so that the
// provider's own cost can be told from what Terraform spends on any
// plugin (-idle=false leaves it out). Every request the brokers receive
// is counted by API key and attributed to the phase that caused it, the
// provider processes' peak memory is sampled from /proc on Linux, and
// after every phase the cluster must hold exactly what the configuration
// declares.
//
// Usage:
//
//	go run ./internal/cmd/bench [-workload topics,job] [-n 100,1000] [-tenants 100,500] [-parallelism 10] [-repeat 1] [-idle=false]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	var (
		selected    = flag.String("workload", "topics,job", "comma-separated workloads to run, in this order: topics, job")
		parallelism = flag.Int("parallelism", 10, "the -parallelism passed to terraform apply, plan and destroy")
		repeat      = flag.Int("repeat", 1, "rounds per size; each round takes every phase's runs, and the table reports medians")
		cpuProfile  = flag.String("cpuprofile", "", "a directory for the CPU, heap and goroutine profiles of every provider process (cpu-, heap- and goroutine-<pid>.pprof; read them with go tool pprof) and its heap over time (memory-<pid>.txt); "+
			"the provider is built with internal/cmd/profiledprovider instead")
		idle = flag.Bool("idle", true, "also time every plan with internal/cmd/idleprovider, the provider with its per-resource work taken out: "+
			"what Terraform spends on any out-of-process provider with these schemas")
		sizes = map[string]*string{}
	)
	for _, w := range workloads {
		sizes[w.sizeFlag] = flag.String(w.sizeFlag, w.defaultSizes, w.sizeUsage)
	}
	flag.Parse()
	sizeLists := map[string]string{}
	for name, v := range sizes {
		sizeLists[name] = *v
	}
	opts, err := parseOptions(*selected, sizeLists, *parallelism, *repeat)
	opts.idle = *idle
	if err == nil && *cpuProfile != "" {
		opts.profileDir, err = filepath.Abs(*cpuProfile)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err = run(ctx, opts)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// options are the validated command-line settings.
type options struct {
	runs        []workloadRun
	parallelism int
	repeat      int
	// profileDir, when set, receives a CPU profile of each provider process.
	profileDir string
	// idle adds a run of every plan with the idle provider.
	idle bool
}

// workloadRun is a selected workload and the sizes to run it at.
type workloadRun struct {
	workload workload
	sizes    []int
}

// parseOptions validates the flags. sizeLists maps each workload's size
// flag to its value; only the selected workloads' lists are read.
func parseOptions(selected string, sizeLists map[string]string, parallelism, repeat int) (options, error) {
	opts := options{parallelism: parallelism, repeat: repeat}
	seen := map[string]bool{}
	for _, name := range strings.Split(selected, ",") {
		name = strings.TrimSpace(name)
		w, err := workloadNamed(name)
		if err != nil {
			return options{}, err
		}
		if seen[name] {
			return options{}, fmt.Errorf("-workload: %q is listed twice", name)
		}
		seen[name] = true
		sizes, err := parseSizes(w.sizeFlag, sizeLists[w.sizeFlag])
		if err != nil {
			return options{}, err
		}
		opts.runs = append(opts.runs, workloadRun{workload: w, sizes: sizes})
	}
	if parallelism < 1 {
		return options{}, errors.New("-parallelism must be at least 1")
	}
	if repeat < 1 {
		return options{}, errors.New("-repeat must be at least 1")
	}
	return opts, nil
}

// parseSizes reads a comma-separated list of positive sizes given to flag.
func parseSizes(flag, list string) ([]int, error) {
	var sizes []int
	for _, s := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-%s: %q is not a positive size", flag, s)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}
