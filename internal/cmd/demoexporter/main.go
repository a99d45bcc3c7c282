// Command demoexporter serves SYNTHETIC Kafka quota metrics for the fair
// share demo (make demo-fair-share): the gauges a broker's JMX exporter
// shows for each user (kafka_server_produce_byte_rate,
// kafka_server_fetch_byte_rate, kafka_server_request_request_time and
// their throttle times, with the labels of the common exporter rule),
// with values read from a JSON file on every scrape, so that a script can
// move demand from one tenant to another by rewriting the file. The
// embedded cluster never throttles or measures traffic, so nothing here
// is observed: it stands in for real brokers' exporters.
//
// The file maps each user to its per-broker rates; every broker listed in
// -brokers reports the same rates, told apart by the instance label:
//
//	{"shop.orders": {"produce": 5000000, "fetch": 8000000, "request": 12}}
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"
)

// rates are one user's synthetic per-broker figures.
type rates struct {
	// Produce and Fetch are bytes per second; Request is percent of one
	// thread.
	Produce float64 `json:"produce"`
	Fetch   float64 `json:"fetch"`
	Request float64 `json:"request"`
}

func main() {
	var (
		addr    = flag.String("addr", "127.0.0.1:19099", "loopback address to serve /metrics on")
		file    = flag.String("rates", "", "JSON file of per-user rates, read on every scrape (required)")
		brokers = flag.String("brokers", "broker-1,broker-2,broker-3", "comma-separated instance labels, one per broker")
		ready   = flag.String("ready-file", "", "write the metrics URL to this file once listening")
	)
	flag.Parse()
	if err := run(*addr, *file, strings.Split(*brokers, ","), *ready); err != nil {
		fmt.Fprintln(os.Stderr, "demoexporter:", err)
		os.Exit(1)
	}
}

func run(addr, file string, brokers []string, ready string) error {
	if file == "" {
		return errors.New("-rates is required")
	}
	if _, err := load(file); err != nil {
		return err
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
		users, err := load(file)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		_, _ = w.Write([]byte(exposition(users, brokers)))
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	url := "http://" + l.Addr().String() + "/metrics"
	if ready != "" {
		if err := os.WriteFile(ready, []byte(url+"\n"), 0o600); err != nil {
			return err
		}
	}
	fmt.Printf("demoexporter: serving SYNTHETIC quota metrics from %s at %s\n", file, url)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func load(file string) (map[string]rates, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var users map[string]rates
	if err := json.Unmarshal(b, &users); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return users, nil
}

// exposition writes the gauges in the Prometheus text format, as the
// common JMX exporter rule names them, with zero throttle times.
func exposition(users map[string]rates, brokers []string) string {
	var b strings.Builder
	names := make([]string, 0, len(users))
	for u := range users {
		names = append(names, u)
	}
	slices.Sort(names)
	for _, m := range []struct {
		name  string
		value func(rates) float64
	}{
		{"kafka_server_produce_byte_rate", func(r rates) float64 { return r.Produce }},
		{"kafka_server_fetch_byte_rate", func(r rates) float64 { return r.Fetch }},
		{"kafka_server_request_request_time", func(r rates) float64 { return r.Request }},
		{"kafka_server_produce_throttle_time", func(rates) float64 { return 0 }},
		{"kafka_server_fetch_throttle_time", func(rates) float64 { return 0 }},
		{"kafka_server_request_throttle_time", func(rates) float64 { return 0 }},
	} {
		fmt.Fprintf(&b, "# HELP %s SYNTHETIC, from demoexporter\n# TYPE %s gauge\n", m.name, m.name)
		for _, u := range names {
			for _, broker := range brokers {
				fmt.Fprintf(&b, "%s{instance=%q,user=%q} %g\n", m.name, strings.TrimSpace(broker), u, m.value(users[u]))
			}
		}
	}
	return b.String()
}
