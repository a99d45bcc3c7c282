package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/embedded"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tfcli"
)

// The counter must see every request, connection set-up included, and
// change none: the benchmark's Kafka traffic has to be answered exactly as
// it would be unobserved, on the same embedded cluster the benchmark runs.
func TestCountRequests_observesWithoutHandling(t *testing.T) {
	cluster, err := embedded.Start(embedded.Options{Brokers: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	counter := countRequests(cluster)
	c := kafka.NewClient(kafka.Config{
		BootstrapServers: cluster.BootstrapServers(),
		Timeout:          5 * time.Second,
		SASL:             &kafka.SASLConfig{Mechanism: embedded.DefaultMechanism, Username: cluster.AdminUser(), Password: cluster.AdminPassword()},
	})
	defer c.Close()

	ctx := context.Background()
	if _, err := c.DescribeTopic(ctx, "ktbench-00000"); !errors.Is(err, kafka.ErrNotFound) {
		t.Fatalf("DescribeTopic before creation: got %v, want ErrNotFound", err)
	}
	setup := counter.take() // connection set-up and the existence check
	for _, key := range []kmsg.Key{kmsg.ApiVersions, kmsg.SASLHandshake, kmsg.SASLAuthenticate, kmsg.Metadata} {
		if setup[int16(key)] == 0 {
			t.Errorf("the connection set-up counted no %s (all counts: %s)", kmsg.NameForKey(int16(key)), setup.top(10))
		}
	}
	for _, name := range []string{"ktbench-00000", "ktbench-00001"} {
		if _, err := c.CreateTopic(ctx, kafka.TopicSpec{Name: name, Partitions: 1, ReplicationFactor: 1}); err != nil {
			t.Fatalf("CreateTopic %s with the counter installed: %v", name, err)
		}
	}
	got := counter.take()
	if n := got[int16(kmsg.CreateTopics)]; n != 2 {
		t.Errorf("counted %d CreateTopics requests, want 2 (all counts: %s)", n, got.top(10))
	}
	if n := got[int16(kmsg.DescribeConfigs)]; n < 2 {
		t.Errorf("counted %d DescribeConfigs requests, want at least 2: CreateTopic describes each new topic (all counts: %s)", n, got.top(10))
	}
	if again := counter.take(); again.total() != 0 {
		t.Errorf("a second take right after the first returned %s; take must reset the counts", again.top(10))
	}
}

func TestRequestCounts_top(t *testing.T) {
	rc := requestCounts{
		int16(kmsg.Metadata):        5,
		int16(kmsg.DescribeConfigs): 5,
		int16(kmsg.CreateTopics):    9,
		int16(kmsg.ApiVersions):     1,
	}
	if got, want := rc.total(), 20; got != want {
		t.Errorf("total() = %d, want %d", got, want)
	}
	if got, want := rc.top(2), "CreateTopics 9, DescribeConfigs 5, +2 more"; got != want {
		t.Errorf("top(2) = %q, want %q", got, want)
	}
	if got, want := rc.perResource(10), "CreateTopics 0.90, DescribeConfigs 0.50, Metadata 0.50, ApiVersions 0.10"; got != want {
		t.Errorf("perResource(10) = %q, want %q", got, want)
	}
	if got := (requestCounts{}).top(3); got != "-" {
		t.Errorf("top of no requests = %q, want \"-\"", got)
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{9, 1, 5}, 5},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// The table prints the request breakdown of the median sample, so the kinds
// shown add up to the total shown beside them.
func TestResult_summarize(t *testing.T) {
	r := result{n: 10, phase: "plan", samples: []sample{
		{provider: 4 * time.Second, floor: 1 * time.Second, requests: requestCounts{int16(kmsg.Metadata): 30}},
		{provider: 2 * time.Second, floor: 1 * time.Second, requests: requestCounts{int16(kmsg.Metadata): 10}},
		{provider: 9 * time.Second, floor: 3 * time.Second, requests: requestCounts{int16(kmsg.Metadata): 20, int16(kmsg.DescribeConfigs): 1}},
	}}
	s := r.summarize()
	if s.provider != 4 || s.floor != 1 || s.ratio != 3 {
		t.Errorf("summarize() = provider %v, floor %v, ratio %v; want 4, 1, 3 (medians of each column and of the per-sample ratios)", s.provider, s.floor, s.ratio)
	}
	if got, want := s.requests.top(5), "Metadata 20, DescribeConfigs 1"; got != want {
		t.Errorf("median sample's requests = %q, want %q", got, want)
	}

	var out strings.Builder
	if err := printTable(&out, []result{r}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"10  plan", "3.00x", "21", "2.10", "Metadata 2.00, DescribeConfigs 0.10"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

func TestParseOptions(t *testing.T) {
	opts, err := parseOptions("100, 1000", 10, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(opts.sizes) != 2 || opts.sizes[0] != 100 || opts.sizes[1] != 1000 || opts.parallelism != 10 || opts.repeat != 3 {
		t.Errorf("parseOptions = %+v", opts)
	}
	for _, bad := range []struct {
		sizes             string
		parallelism, reps int
	}{
		{"100,x", 10, 1},
		{"0", 10, 1},
		{"", 10, 1},
		{"100", 0, 1},
		{"100", 10, 0},
	} {
		if _, err := parseOptions(bad.sizes, bad.parallelism, bad.reps); err == nil {
			t.Errorf("parseOptions(%q, %d, %d) accepted bad input", bad.sizes, bad.parallelism, bad.reps)
		}
	}
}

// fakeCLI writes a stand-in for terraform that prints a line and exits
// with code.
func fakeCLI(t *testing.T, code int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "terraform")
	script := fmt.Sprintf("#!/bin/sh\necho \"fake terraform $1\"\nexit %d\n", code)
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// A plan after apply that finds changes (exit code 2 with
// -detailed-exitcode) means the provider does not converge: the benchmark
// must fail, not time it.
func TestTerraform_nonEmptyPlanFails(t *testing.T) {
	b := &bench{opts: options{parallelism: 3}, cli: tfcli.CLI{Path: fakeCLI(t, 2)}}
	_, err := b.terraform(context.Background(), t.TempDir(), "plan")
	if err == nil || !strings.Contains(err.Error(), "was not empty") || !strings.Contains(err.Error(), "fake terraform plan") {
		t.Errorf("plan exiting 2: got %v, want a not-empty error with the CLI's output", err)
	}
	if _, err := b.terraform(context.Background(), t.TempDir(), "apply"); err == nil || !strings.Contains(err.Error(), "exit status 2") {
		t.Errorf("apply exiting 2: got %v, want a failure", err)
	}

	b.cli.Path = fakeCLI(t, 0)
	if _, err := b.terraform(context.Background(), t.TempDir(), "plan"); err != nil {
		t.Errorf("plan exiting 0: %v", err)
	}
}
