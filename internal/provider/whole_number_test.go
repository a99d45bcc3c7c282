package provider

import (
	"context"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// wantOneError asserts diags is exactly one error at at, with summary, whose
// detail contains every part.
func wantOneError(t *testing.T, diags diag.Diagnostics, at path.Path, summary string, parts ...string) {
	t.Helper()
	if len(diags) != 1 {
		t.Fatalf("got %d diagnostics, want 1: %v", len(diags), diags)
	}
	d := diags[0]
	if d.Severity() != diag.SeverityError || d.Summary() != summary {
		t.Errorf("diagnostic = %s %q, want error %q", d.Severity(), d.Summary(), summary)
	}
	if wp, ok := d.(diag.DiagnosticWithPath); !ok || !wp.Path().Equal(at) {
		t.Errorf("diagnostic is not at %s: %v", at, d)
	}
	for _, p := range parts {
		if !strings.Contains(d.Detail(), p) {
			t.Errorf("detail %q lacks %q", d.Detail(), p)
		}
	}
}

func bigNumber(t *testing.T, s string) *big.Float {
	t.Helper()
	f, _, err := big.ParseFloat(s, 10, 512, big.ToNearestEven)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// The framework's Int64 type fails on 1000.5 before any validator runs;
// wholeNumberType must read it, so that the validator can name the range.
func TestWholeNumberType_readsAnyNumber(t *testing.T) {
	for _, s := range []string{"1000.5", "1e30", "-7", "9000000000000000000"} {
		in := tftypes.NewValue(tftypes.Number, bigNumber(t, s))
		v, err := wholeNumberType{}.ValueFromTerraform(context.Background(), in)
		if err != nil {
			t.Fatalf("ValueFromTerraform(%s) = %v", s, err)
		}
		w, ok := v.(wholeNumber)
		if !ok || w.ValueBigFloat().Cmp(bigNumber(t, s)) != 0 {
			t.Errorf("ValueFromTerraform(%s) = %#v", s, v)
		}
	}
	for _, in := range []tftypes.Value{tftypes.NewValue(tftypes.Number, nil), tftypes.NewValue(tftypes.Number, tftypes.UnknownValue)} {
		v, err := wholeNumberType{}.ValueFromTerraform(context.Background(), in)
		if err != nil || v.(wholeNumber).ValueInt64() != 0 || (!v.IsNull() && !v.IsUnknown()) {
			t.Errorf("ValueFromTerraform(%s) = %v, %v", in, v, err)
		}
	}
	if got := wholeNumberValue(42).ValueInt64(); got != 42 {
		t.Errorf("wholeNumberValue(42).ValueInt64() = %d", got)
	}
	if !wholeNumberValue(42).Equal(wholeNumberOf(42)) || wholeNumberValue(42).Equal(wholeNumberOf(42.5)) {
		t.Error("wholeNumber equality does not compare the numbers")
	}
	if !wholeNumberOrNull(0).IsNull() || wholeNumberOrNull(3).ValueInt64() != 3 {
		t.Error("wholeNumberOrNull")
	}
}

func TestWholeRange_ValidateNumber(t *testing.T) {
	at := path.Root("capacity").AtName("io_threads")
	threads := wholeRange{1, tenancy.MaxThreads}
	cases := []struct {
		in    types.Number
		parts []string // nil when valid
	}{
		{in: types.NumberValue(bigNumber(t, "8"))},
		{in: types.NumberValue(bigNumber(t, "1"))},
		{in: types.NumberValue(bigNumber(t, "10000"))},
		{in: types.NumberValue(bigNumber(t, "8.0"))},
		{in: types.NumberNull()},
		{in: types.NumberUnknown()},
		{in: types.NumberValue(bigNumber(t, "1000.5")), parts: []string{"capacity.io_threads = 1000.5 is not a whole number; use a whole number from 1 to 10000."}},
		{in: types.NumberValue(bigNumber(t, "9000000000000000000")), parts: []string{"capacity.io_threads = 9000000000000000000 is out of range; use a whole number from 1 to 10000."}},
		{in: types.NumberValue(bigNumber(t, "1e30")), parts: []string{"capacity.io_threads = 1e+30 is out of range"}},
		{in: types.NumberValue(bigNumber(t, "10001")), parts: []string{"= 10001 is out of range"}},
		{in: types.NumberValue(bigNumber(t, "0")), parts: []string{"= 0 is out of range"}},
		{in: types.NumberValue(bigNumber(t, "-3")), parts: []string{"= -3 is out of range"}},
		{in: types.NumberValue(new(big.Float).SetInf(false)), parts: []string{"= +Inf is not a finite number"}},
	}
	for _, tc := range cases {
		t.Run(tc.in.String(), func(t *testing.T) {
			var resp validator.NumberResponse
			threads.ValidateNumber(context.Background(), validator.NumberRequest{Path: at, ConfigValue: tc.in}, &resp)
			if tc.parts == nil {
				if len(resp.Diagnostics) > 0 {
					t.Fatalf("unexpected diagnostics: %v", resp.Diagnostics)
				}
				return
			}
			wantOneError(t, resp.Diagnostics, at, "Invalid Whole Number", tc.parts...)
		})
	}
}

func TestRealRange_ValidateFloat64(t *testing.T) {
	at := path.Root("capacity").AtName("oversubscription")
	cases := []struct {
		r     realRange
		in    float64
		parts []string
	}{
		{r: capacityRealRanges["oversubscription"], in: 1},
		{r: capacityRealRanges["oversubscription"], in: 100},
		{r: capacityRealRanges["oversubscription"], in: 1e30, parts: []string{"capacity.oversubscription = 1e+30 is out of range; use a number from 1 to 100."}},
		{r: capacityRealRanges["oversubscription"], in: 0.5, parts: []string{"= 0.5 is out of range"}},
		{r: capacityRealRanges["headroom"], in: 0.999},
		{r: capacityRealRanges["headroom"], in: 1, parts: []string{"= 1 is out of range; use a number from 0 up to but excluding 1."}},
		{r: requestPercentageRange, in: 0.5},
		{r: requestPercentageRange, in: 0, parts: []string{"= 0 is out of range; use a number greater than 0 and at most 2000000."}},
		{r: requestPercentageRange, in: 2000001, parts: []string{"= 2000001 is out of range"}},
	}
	for _, tc := range cases {
		var resp validator.Float64Response
		tc.r.ValidateFloat64(context.Background(), validator.Float64Request{Path: at, ConfigValue: types.Float64Value(tc.in)}, &resp)
		if tc.parts == nil {
			if len(resp.Diagnostics) > 0 {
				t.Errorf("%v in %s: unexpected diagnostics: %v", tc.in, tc.r.text(), resp.Diagnostics)
			}
			continue
		}
		wantOneError(t, resp.Diagnostics, at, "Number Out of Range", tc.parts...)
	}
}

// KAFKATENANT_CAPACITY_* variables get the same ranges as the attributes,
// and the message names the variable.
func TestResolveCapacity_environmentRanges(t *testing.T) {
	cases := []struct {
		env     map[string]string
		name    string
		summary string
		parts   []string
	}{
		{map[string]string{"KAFKATENANT_CAPACITY_IO_THREADS": "9000000000000000000"}, "io_threads", "Invalid Whole Number",
			[]string{`KAFKATENANT_CAPACITY_IO_THREADS = "9000000000000000000" is out of range; use a whole number from 1 to 10000.`}},
		{map[string]string{"KAFKATENANT_CAPACITY_DISK_WRITE_BYTES_PER_SECOND": "1000.5"}, "disk_write_bytes_per_second", "Invalid Whole Number",
			[]string{`"1000.5" is not a whole number; use a whole number from 1 to 1000000000000000.`}},
		{map[string]string{"KAFKATENANT_CAPACITY_PARTITIONS_PER_BROKER": "lots"}, "partitions_per_broker", "Invalid Whole Number",
			[]string{`"lots" is not a number; use a whole number from 1 to 10000000.`}},
		{map[string]string{"KAFKATENANT_CAPACITY_OVERSUBSCRIPTION": "1e30"}, "oversubscription", "Number Out of Range",
			[]string{`KAFKATENANT_CAPACITY_OVERSUBSCRIPTION = "1e30" is out of range; use a number from 1 to 100.`}},
		{map[string]string{"KAFKATENANT_CAPACITY_HEADROOM": "NaN"}, "headroom", "Number Out of Range",
			[]string{`KAFKATENANT_CAPACITY_HEADROOM = "NaN" is out of range`}},
		{map[string]string{"KAFKATENANT_CAPACITY_HEADROOM": "half"}, "headroom", "Number Out of Range",
			[]string{`"half" is not a number; use a number from 0 up to but excluding 1.`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, diags := resolveCapacity(nil, func(k string) string { return tc.env[k] })
			wantOneError(t, diags, path.Root("capacity").AtName(tc.name), tc.summary, tc.parts...)
		})
	}

	env := map[string]string{"KAFKATENANT_CAPACITY_IO_THREADS": "8", "KAFKATENANT_CAPACITY_NETWORK_THREADS": "1e1", "KAFKATENANT_CAPACITY_OVERSUBSCRIPTION": "2.5"}
	c, declared, diags := resolveCapacity(nil, func(k string) string { return env[k] })
	if diags.HasError() || !declared || c.IOThreads != 8 || c.NetworkThreads != 10 || c.Oversubscription != 2.5 {
		t.Errorf("resolveCapacity(%v) = %+v, %v, %v", env, c, declared, diags)
	}
}
