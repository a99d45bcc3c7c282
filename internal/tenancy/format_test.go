package tenancy

import (
	"math"
	"testing"
)

func TestFormatByteRate(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{160e6, "160 MB/s (160000000 B/s)"},
		{1.25e9, "1250 MB/s (1250000000 B/s)"},
		{800e6 / 3, "266.67 MB/s (266666667 B/s)"},
		{1048576, "1.05 MB/s (1048576 B/s)"},
		{1500, "1.5 kB/s (1500 B/s)"},
		{999, "999 B/s"},
		{0, "0 B/s"},
	}
	for _, tt := range tests {
		if got := FormatByteRate(tt.in); got != tt.want {
			t.Errorf("FormatByteRate(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatRatio(t *testing.T) {
	tests := []struct {
		in        float64
		minPlaces int
		want      string
	}{
		{1, 1, "1.0"},
		{1.25, 1, "1.25"},
		{0.2, 2, "0.20"},
		{0.125, 2, "0.125"},
		{0, 2, "0.00"},
	}
	for _, tt := range tests {
		if got := formatRatio(tt.in, tt.minPlaces); got != tt.want {
			t.Errorf("formatRatio(%v, %d) = %q, want %q", tt.in, tt.minPlaces, got, tt.want)
		}
	}
}

func TestRoundFigure(t *testing.T) {
	usable, _ := Capacity{IOThreads: 8, NetworkThreads: 3, Headroom: 0.2}.Usable(RequestPercentage)
	if usable == 880 {
		t.Fatal("the float noise this test is about is gone; pick other figures")
	}
	cases := []struct {
		dimension string
		in, want  float64
	}{
		{string(RequestPercentage), usable, 880},
		{string(ProducerByteRate), 159999999.99999997, 160e6},
		{string(ConsumerByteRate), 0.4, 0},
		{string(ConsumerByteRate), -0.4, 0},
		{"partitions", 3.3333333333333335, 3},
		{string(ControllerMutationRate), 0.30000000000000004, 0.3},
		{string(ConnectionCreationRate), 2.005, 2.01},
	}
	for _, c := range cases {
		got := RoundFigure(c.dimension, c.in)
		if got != c.want || math.Signbit(got) {
			t.Errorf("RoundFigure(%s, %v) = %v, want %v", c.dimension, c.in, got, c.want)
		}
	}
	if got := FormatDimension("partitions", 10.0/3); got != "3 partition replicas" {
		t.Errorf("FormatDimension(partitions, 10/3) = %q", got)
	}
}
