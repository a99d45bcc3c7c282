package tenancy

import "testing"

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
