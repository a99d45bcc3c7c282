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
// run caused and the peak memory of its provider processes.
type sample struct {
	provider time.Duration
	floor    time.Duration
	requests requestCounts
	rss      peakRSS
}

// ratio is the provider's wall time over the floor's in the same sample.
func (s sample) ratio() float64 {
	return s.provider.Seconds() / s.floor.Seconds()
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
	requests               requestCounts
	// rss is the largest peak of any sample.
	rss peakRSS
}

func (r result) summarize() summary {
	var p, f, q []float64
	var rss peakRSS
	for _, s := range r.samples {
		p = append(p, s.provider.Seconds())
		f = append(f, s.floor.Seconds())
		q = append(q, s.ratio())
		rss = rss.max(s.rss)
	}
	return summary{provider: median(p), floor: median(f), ratio: median(q), requests: medianRequests(r.samples), rss: rss}
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
	fmt.Fprintf(tw, "%s\tresources\tphase\truns\tprovider s\tfloor s\tratio\tpeak provider RSS\tKafka requests\tper resource\ttop request kinds\n", sizeLabel)
	for _, r := range results {
		s := r.summarize()
		total := s.requests.total()
		fmt.Fprintf(tw, "%d\t%d\t%s\t%d\t%.2f\t%.2f\t%.2fx\t%s\t%d\t%s\t%s\n",
			r.size, r.resources, r.phase, len(r.samples), s.provider, s.floor, s.ratio, s.rss, total, formatRate(float64(total)/float64(r.resources)), s.requests.top(4))
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
