package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/metrics"
)

// The exposition reads back through the provider's own metrics source as
// one observation per broker with the file's rates.
func TestExposition_readsBack(t *testing.T) {
	users := map[string]rates{"shop.orders": {Produce: 5e6, Fetch: 8e6, Request: 12}, "shop.search": {Produce: 1}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(exposition(users, []string{"broker-1", "broker-2"})))
	}))
	defer srv.Close()
	src, err := metrics.NewTextEndpoints([]string{srv.URL}, metrics.DefaultNames())
	if err != nil {
		t.Fatal(err)
	}
	got, err := src.ObserveUsers(context.Background(), []string{"shop.orders", "shop.search", "shop.idle"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	orders := got.Observations["shop.orders"]
	if len(orders) != 2 || orders[1].Broker != "broker-2" || *orders[1].ProduceBytesPerSecond != 5e6 ||
		*orders[1].FetchBytesPerSecond != 8e6 || *orders[1].RequestTimePercent != 12 || *orders[1].ProduceThrottleMs != 0 {
		t.Errorf("shop.orders: %+v", orders)
	}
	if _, ok := got.Observations["shop.idle"]; ok || len(got.Observations) != 2 {
		t.Errorf("observed %d users, want shop.orders and shop.search only", len(got.Observations))
	}
}
