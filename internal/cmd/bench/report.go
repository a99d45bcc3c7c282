package main

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"
)

// sample is one interleaved measurement of a phase: the provider's run and
// the floor's run taken back to back, the Kafka requests the provider's
// run caused and the peak memory of its provider processes. Plans also
// have a run with the idle provider (internal/cmd/idleprovider) beside
// them, in idle; it is zero where there is none.
type sample struct {
	provider time.Duration
	floor    time.Duration
	idle     time.Duration
	requests requestCounts
	rss      peakRSS
}

// ratio is the provider's wall time over the floor's in the same sample.
func (s sample) ratio() float64 {
	return s.provider.Seconds() / s.floor.Seconds()
}

// idleRatio is the provider's wall time over the idle provider's in the
// same sample, or 0 without an idle run.
func (s sample) idleRatio() float64 {
	if s.idle == 0 {
		return 0
	}
	return s.provider.Seconds() / s.idle.Seconds()
}

// result gathers the samples of one phase at one size.
type result struct {
	// size is the workload's size (N or T), resources the resource count
	// it declares.
	size, resources int
	phase           string
	samples         []sample
}

// median returns the median of xs (the mean of the two middle values for
// an even count). xs must not be empty.
func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// medianRequests returns the sample whose request total is the median (the
// lower middle for an even count), so that the breakdown by kind printed
// beside the total adds up to it.
func medianRequests(samples []sample) requestCounts {
	s := append([]sample(nil), samples...)
	sort.SliceStable(s, func(i, j int) bool { return s[i].requests.total() < s[j].requests.total() })
	return s[(len(s)-1)/2].requests
}

// summary is what the table prints for one result.
type summary struct {
	provider, floor, ratio float64
	// idle and idleRatio are the medians over the samples with an
	// idle run, 0 when none has one.
	idle, idleRatio float64
	requests        requestCounts
	// rss is the largest peak of any sample.
	rss peakRSS
}

func (r result) summarize() summary {
	var p, f, q, ip, iq []float64
	var rss peakRSS
	for _, s := range r.samples {
		p = append(p, s.provider.Seconds())
		f = append(f, s.floor.Seconds())
		q = append(q, s.ratio())
		if s.idle > 0 {
			ip = append(ip, s.idle.Seconds())
			iq = append(iq, s.idleRatio())
		}
		rss = rss.max(s.rss)
	}
	sum := summary{provider: median(p), floor: median(f), ratio: median(q), requests: medianRequests(r.samples), rss: rss}
	if len(ip) > 0 {
		sum.idle, sum.idleRatio = median(ip), median(iq)
	}
	return sum
}

// idleColumns formats the idle provider's columns, dashes without runs.
func (s summary) idleColumns() (seconds, ratio string) {
	if s.idle == 0 {
		return "-", "-"
	}
	return fmt.Sprintf("%.2f", s.idle), fmt.Sprintf("%.2fx", s.idleRatio)
}

// withSamples drops the results of phases that were never measured.
func withSamples(results []result) []result {
	var out []result
	for _, r := range results {
		if len(r.samples) > 0 {
			out = append(out, r)
		}
	}
	return out
}

// printTable writes one row per size and phase, headed by sizeLabel, then
// the Kafka requests per resource by kind. Ratios are medians of the
// per-sample ratios, not ratios of medians, because each sample's provider
// and floor runs share the machine's load of that moment.
func printTable(w io.Writer, sizeLabel string, results []result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\tresources\tphase\truns\tprovider s\tfloor s\tratio\tidle provider s\tvs idle\tpeak provider RSS\tKafka requests\tper resource\ttop request kinds\n", sizeLabel)
	for _, r := range results {
		s := r.summarize()
		total := s.requests.total()
		idle, vsIdle := s.idleColumns()
		fmt.Fprintf(tw, "%d\t%d\t%s\t%d\t%.2f\t%.2f\t%.2fx\t%s\t%s\t%s\t%d\t%s\t%s\n",
			r.size, r.resources, r.phase, len(r.samples), s.provider, s.floor, s.ratio, idle, vsIdle, s.rss, total, formatRate(float64(total)/float64(r.resources)), s.requests.top(4))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nKafka requests per resource by kind:")
	for _, r := range results {
		fmt.Fprintf(w, "  %s=%d %-20s %s\n", sizeLabel, r.size, r.phase, r.summarize().requests.perResource(r.resources))
	}
	return nil
}
