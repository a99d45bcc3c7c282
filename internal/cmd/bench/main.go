// Command bench measures kafkatenant_topic against Terraform's own floor.
//
// For each size N it applies N kafkatenant_topic resources to the embedded
// cluster, runs a plan that must find nothing to change, and destroys them;
// and it runs the same three phases on N terraform_data resources, which
// cost Terraform's graph walk and state handling but no provider and no
// network. The two runs of a phase are taken back to back, so the ratio
// between them survives a noisy machine. Every request the brokers receive
// is counted by API key and attributed to the phase that caused it.
//
// Usage:
//
//	go run ./internal/cmd/bench [-n 100,1000] [-parallelism 10] [-repeat 1]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	var (
		sizes       = flag.String("n", "100,1000", "comma-separated resource counts to benchmark")
		parallelism = flag.Int("parallelism", 10, "the -parallelism passed to terraform apply, plan and destroy")
		repeat      = flag.Int("repeat", 1, "runs per size; the table reports medians")
	)
	flag.Parse()
	opts, err := parseOptions(*sizes, *parallelism, *repeat)
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
	sizes       []int
	parallelism int
	repeat      int
}

func parseOptions(sizes string, parallelism, repeat int) (options, error) {
	opts := options{parallelism: parallelism, repeat: repeat}
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return options{}, fmt.Errorf("-n: %q is not a positive resource count", s)
		}
		opts.sizes = append(opts.sizes, n)
	}
	if parallelism < 1 {
		return options{}, errors.New("-parallelism must be at least 1")
	}
	if repeat < 1 {
		return options{}, errors.New("-repeat must be at least 1")
	}
	return opts, nil
}
