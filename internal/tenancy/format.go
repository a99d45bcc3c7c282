package tenancy

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// FormatByteRate returns a byte rate for an operator to read: decimal units
// (1 MB = 10^6 bytes) with up to two decimals, followed by the exact number
// of bytes per second rounded to a whole byte, as in
// "160 MB/s (160000000 B/s)". The exact figure is there so it can be pasted
// into configuration, where byte rates are whole bytes.
func FormatByteRate(bytesPerSecond float64) string {
	short := shortByteRate(bytesPerSecond)
	exact := formatNumber(math.Round(bytesPerSecond)) + " B/s"
	if short == exact {
		return short
	}
	return short + " (" + exact + ")"
}

// shortByteRate is FormatByteRate without the exact figure, for lists.
func shortByteRate(bytesPerSecond float64) string {
	abs := math.Abs(bytesPerSecond)
	switch {
	case abs >= 1e6:
		return trimDecimals(bytesPerSecond/1e6, 2) + " MB/s"
	case abs >= 1e3:
		return trimDecimals(bytesPerSecond/1e3, 2) + " kB/s"
	}
	return formatNumber(math.Round(bytesPerSecond)) + " B/s"
}

// formatValue returns v in the unit of key, in full for the figures a
// reviewer checks.
func formatValue(key QuotaKey, v float64) string {
	if key == ProducerByteRate || key == ConsumerByteRate {
		return FormatByteRate(v)
	}
	return shortValue(key, v)
}

// shortValue returns v in the unit of key, briefly, for lists and formulas.
func shortValue(key QuotaKey, v float64) string {
	switch key {
	case ProducerByteRate, ConsumerByteRate:
		return shortByteRate(v)
	case RequestPercentage:
		return trimDecimals(v, 2) + "%"
	case ControllerMutationRate:
		return trimDecimals(v, 2) + " partition mutations/s"
	case ConnectionCreationRate:
		return trimDecimals(v, 2) + " connections/s"
	}
	return trimDecimals(v, 2)
}

// formatNumber prints v exactly, without an exponent.
func formatNumber(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// RoundFigure rounds a capacity figure of dimension (a quota key or
// "partitions") to the unit operators read it in: whole bytes per second,
// whole percent and whole partition replicas, and hundredths for the
// per-second rates of partition mutations and connections, whose quotas
// are often below one. Outputs use it so that 0.8 × 1100 reads 880, not
// 880.0000000000001; the checks compare the exact figures.
func RoundFigure(dimension string, v float64) float64 {
	var r float64
	switch QuotaKey(dimension) {
	case ControllerMutationRate, ConnectionCreationRate:
		r = math.Round(v*100) / 100
	default:
		r = math.Round(v)
	}
	if r == 0 {
		return 0 // not -0
	}
	return r
}

// formatInput prints a declared value as given, in the shortest form that
// reads back as the same number: 1000.5, 9000000000000000000, 1e+30, NaN.
func formatInput(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e21 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// trimDecimals prints v with at most places decimals and no trailing zeros.
func trimDecimals(v float64, places int) string {
	s := strconv.FormatFloat(v, 'f', places, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		return "0"
	}
	return s
}

// formatRatio prints a ratio such as a headroom or an oversubscription with
// at least minPlaces decimals, so 1 reads "1.0" and 0.2 reads "0.20".
func formatRatio(v float64, minPlaces int) string {
	s := formatNumber(v)
	dot := strings.IndexByte(s, '.')
	if dot < 0 {
		return fmt.Sprintf("%.*f", minPlaces, v)
	}
	if decimals := len(s) - dot - 1; decimals < minPlaces {
		s += strings.Repeat("0", minPlaces-decimals)
	}
	return s
}

// FormatDimension formats a value of an envelope dimension (a quota key or
// "partitions") in its unit, in full, as messages show it.
func FormatDimension(dimension string, v float64) string { return formatDimension(dimension, v, true) }
