package main

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"
)

// sample is one interleaved measurement of a phase: the provider's run and
// the floor's run taken back to back, and the Kafka requests the provider's
// run caused.
type sample struct {
	provider time.Duration
	floor    time.Duration
	requests requestCounts
}

// ratio is the provider's wall time over the floor's in the same sample.
func (s sample) ratio() float64 {
	return s.provider.Seconds() / s.floor.Seconds()
}

// result gathers the samples of one phase at one size.
type result struct {
	n       int
	phase   string
	samples []sample
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
}

func (r result) summarize() summary {
	var p, f, q []float64
	for _, s := range r.samples {
		p = append(p, s.provider.Seconds())
		f = append(f, s.floor.Seconds())
		q = append(q, s.ratio())
	}
	return summary{provider: median(p), floor: median(f), ratio: median(q), requests: medianRequests(r.samples)}
}

// printTable writes one row per size and phase. Ratios are medians of the
// per-sample ratios, not ratios of medians, because each sample's provider
// and floor runs share the machine's load of that moment.
func printTable(w io.Writer, results []result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "N\tphase\tprovider s\tfloor s\tratio\tKafka requests\tper resource\ttop request kinds")
	for _, r := range results {
		s := r.summarize()
		total := s.requests.total()
		fmt.Fprintf(tw, "%d\t%s\t%.2f\t%.2f\t%.2fx\t%d\t%.2f\t%s\n",
			r.n, r.phase, s.provider, s.floor, s.ratio, total, float64(total)/float64(r.n), s.requests.top(4))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nKafka requests per resource by kind:")
	for _, r := range results {
		fmt.Fprintf(w, "  N=%d %-7s %s\n", r.n, r.phase, r.summarize().requests.perResource(r.n))
	}
	return nil
}
