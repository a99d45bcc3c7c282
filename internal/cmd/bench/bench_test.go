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
	if n := got[int16(kmsg.Metadata)]; n < 2 {
		t.Errorf("counted %d Metadata requests, want at least 2: CreateTopic waits for each new topic's metadata (all counts: %s)", n, got.top(10))
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
	if got, want := rc.perResource(10), "CreateTopics 0.900, DescribeConfigs 0.500, Metadata 0.500, ApiVersions 0.100"; got != want {
		t.Errorf("perResource(10) = %q, want %q", got, want)
	}
	if got := (requestCounts{}).top(3); got != "-" {
		t.Errorf("top of no requests = %q, want \"-\"", got)
	}
	// A target such as 0.02 per resource needs the third decimal, and one
	// request among thousands of resources must not read as none.
	if got, want := (requestCounts{int16(kmsg.Metadata): 1}).perResource(3010), "Metadata 0.00033"; got != want {
		t.Errorf("perResource(3010) of one request = %q, want %q", got, want)
	}
	if got, want := (requestCounts{int16(kmsg.Metadata): 45}).perResource(3010), "Metadata 0.015"; got != want {
		t.Errorf("perResource(3010) of 45 requests = %q, want %q", got, want)
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
// shown add up to the total shown beside them, divides requests by the
// resource count rather than the size, and reports the largest peak RSS.
func TestResult_summarize(t *testing.T) {
	mib := int64(1 << 20)
	r := result{size: 2, resources: 10, phase: "plan -refresh=false", samples: []sample{
		{provider: 4 * time.Second, floor: 1 * time.Second, requests: requestCounts{int16(kmsg.Metadata): 30},
			rss: peakRSS{supported: true, bytes: 90 * mib, processes: 2}},
		{provider: 2 * time.Second, floor: 1 * time.Second, requests: requestCounts{int16(kmsg.Metadata): 10},
			rss: peakRSS{supported: true, bytes: 120 * mib, processes: 2}},
		{provider: 9 * time.Second, floor: 3 * time.Second, requests: requestCounts{int16(kmsg.Metadata): 20, int16(kmsg.DescribeConfigs): 1},
			rss: peakRSS{supported: true, bytes: 100 * mib, processes: 3}},
	}}
	s := r.summarize()
	if s.provider != 4 || s.floor != 1 || s.ratio != 3 {
		t.Errorf("summarize() = provider %v, floor %v, ratio %v; want 4, 1, 3 (medians of each column and of the per-sample ratios)", s.provider, s.floor, s.ratio)
	}
	if got, want := s.requests.top(5), "Metadata 20, DescribeConfigs 1"; got != want {
		t.Errorf("median sample's requests = %q, want %q", got, want)
	}
	if got, want := s.rss.String(), "120 MiB"; got != want {
		t.Errorf("summarized RSS = %q, want the largest sample's, %q", got, want)
	}

	if got := withSamples([]result{r, {size: 2, resources: 10, phase: "destroy"}}); len(got) != 1 || got[0].phase != r.phase {
		t.Errorf("withSamples kept %d results, want only the measured one: an interrupted run has phases without samples", len(got))
	}

	var out strings.Builder
	if err := printTable(&out, "T", []result{r}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"T  resources  phase", "2  10         plan -refresh=false  3", "3.00x", "120 MiB", "21", "2.100",
		"T=2 plan -refresh=false  Metadata 2.000, DescribeConfigs 0.100"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

// The idle provider's columns are medians over the samples that ran it, and
// dashes for a phase without such runs, such as apply.
func TestResult_summarizesIdleRuns(t *testing.T) {
	plan := result{size: 2, resources: 10, phase: "plan", samples: []sample{
		{provider: 4 * time.Second, floor: 1 * time.Second, idle: 2 * time.Second},
		{provider: 3 * time.Second, floor: 1 * time.Second, idle: 1 * time.Second},
		{provider: 5 * time.Second, floor: 1 * time.Second},
	}}
	s := plan.summarize()
	if s.idle != 1.5 || s.idleRatio != 2.5 {
		t.Errorf("summarize() = idle %v, vs idle %v; want 1.5 and 2.5, medians of the two samples with an idle run", s.idle, s.idleRatio)
	}
	apply := result{size: 2, resources: 10, phase: "apply", samples: []sample{{provider: 4 * time.Second, floor: 2 * time.Second}}}
	var out strings.Builder
	if err := printTable(&out, "T", []result{plan, apply}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"idle provider s  vs idle", "1.50             2.50x", "2.00x  -                -"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

func TestPeakRSS_String(t *testing.T) {
	for _, tc := range []struct {
		p    peakRSS
		want string
	}{
		{peakRSS{}, "n/a"},
		{peakRSS{supported: true}, "not seen"},
		{peakRSS{supported: true, bytes: 150 << 20, processes: 1}, "150 MiB"},
		{peakRSS{}.max(peakRSS{supported: true, bytes: 3 << 20, processes: 2}), "3 MiB"},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.p, got, tc.want)
		}
	}
}

func TestParseOptions(t *testing.T) {
	sizes := map[string]string{"n": "100, 1000", "tenants": "100,500"}
	opts, err := parseOptions("job, topics", sizes, 10, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(opts.runs) != 2 || opts.parallelism != 10 || opts.repeat != 3 {
		t.Fatalf("parseOptions = %+v", opts)
	}
	job, topics := opts.runs[0], opts.runs[1]
	if job.workload.name != "job" || fmt.Sprint(job.sizes) != "[100 500]" || topics.workload.name != "topics" || fmt.Sprint(topics.sizes) != "[100 1000]" {
		t.Errorf("runs = %s %v, %s %v; want job [100 500], topics [100 1000] in the order given",
			job.workload.name, job.sizes, topics.workload.name, topics.sizes)
	}
	// A workload not selected does not read its sizes.
	if _, err := parseOptions("topics", map[string]string{"n": "5", "tenants": "x"}, 10, 1); err != nil {
		t.Errorf("-tenants x without the job workload: %v", err)
	}
	for _, bad := range []struct {
		workloads, n      string
		parallelism, reps int
	}{
		{"topics", "100,x", 10, 1},
		{"topics", "0", 10, 1},
		{"topics", "", 10, 1},
		{"topics", "100", 0, 1},
		{"topics", "100", 10, 0},
		{"tenants", "100", 10, 1},
		{"topics,topics", "100", 10, 1},
		{"", "100", 10, 1},
	} {
		if _, err := parseOptions(bad.workloads, map[string]string{"n": bad.n, "tenants": "1"}, bad.parallelism, bad.reps); err == nil {
			t.Errorf("parseOptions(%q, -n %q, %d, %d) accepted bad input", bad.workloads, bad.n, bad.parallelism, bad.reps)
		}
	}
}

// fakeCLI writes a stand-in for terraform that prints its arguments and
// exits with code.
func fakeCLI(t *testing.T, code int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "terraform")
	script := fmt.Sprintf("#!/bin/sh\necho \"fake terraform $*\"\nexit %d\n", code)
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
	for _, ph := range []phase{plans(1), plans(2, "-refresh=false")} {
		_, _, err := b.terraform(context.Background(), t.TempDir(), ph, "")
		args := append([]string{"plan", "-input=false", "-no-color", "-parallelism=3", "-detailed-exitcode"}, ph.args...)
		if err == nil || !strings.Contains(err.Error(), "the "+ph.name+" in") || !strings.Contains(err.Error(), "was not empty") ||
			!strings.Contains(err.Error(), "fake terraform "+strings.Join(args, " ")) {
			t.Errorf("%s exiting 2: got %v, want a not-empty error naming the phase, with the CLI's output showing %v", ph.name, err, args)
		}
	}
	if _, _, err := b.terraform(context.Background(), t.TempDir(), applyPhase, ""); err == nil || !strings.Contains(err.Error(), "exit status 2") {
		t.Errorf("apply exiting 2: got %v, want a failure", err)
	}

	b.cli.Path = fakeCLI(t, 0)
	if _, _, err := b.terraform(context.Background(), t.TempDir(), plans(1, "-refresh=false"), ""); err != nil {
		t.Errorf("plan exiting 0: %v", err)
	}
}

// kfake passes a Fetch that waited for data through the control functions
// twice, the second time when it wakes, possibly after its client has
// exited and in the next phase: the counter counts it once, and still
// counts every distinct request.
func TestRequestCounter_countsAWaitedFetchOnce(t *testing.T) {
	start := time.Now()
	c := &requestCounter{counts: map[int16]int{}, waited: map[kmsg.Request]time.Time{}, pruned: start}
	parked := kmsg.NewPtrFetchRequest()
	c.observe(parked, start)
	c.observe(kmsg.NewPtrFetchRequest(), start)
	c.observe(kmsg.NewPtrMetadataRequest(), start)
	if got := c.take(); got[int16(kmsg.Fetch)] != 2 || got[int16(kmsg.Metadata)] != 1 {
		t.Errorf("first pass: counted %s, want Fetch 2, Metadata 1", got.top(5))
	}
	c.observe(parked, start.Add(5*time.Second)) // it wakes in the next phase
	if got := c.take(); got.total() != 0 {
		t.Errorf("the wake-up of a parked Fetch was counted again: %s", got.top(5))
	}
	c.observe(kmsg.NewPtrMetadataRequest(), start.Add(2*waitedTTL)) // prunes
	if len(c.waited) != 0 {
		t.Errorf("%d long polls remembered after %v, want none", len(c.waited), 2*waitedTTL)
	}
}
