package provider

// Whole-number attributes (counts, byte rates, versions) are Terraform
// numbers of the custom type wholeNumberType, checked by the validator of
// their wholeRange. The framework's Int64 type cannot be used for them: it
// converts the configuration to int64 before any validator runs, so
// `partitions = 1000.5` or `1e30` failed with an internal "Configuration
// Read Error" instead of an error naming the attribute and its range.
// wholeNumberType keeps the number as written, and the validator refuses it
// with the range. Terraform stores both types as numbers, so state written
// before is read unchanged.

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	providerschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var (
	_ basetypes.NumberTypable  = wholeNumberType{}
	_ basetypes.NumberValuable = wholeNumber{}
)

// wholeRange is the range of one whole-number attribute, inclusive.
type wholeRange struct{ min, max int64 }

// text names the range for descriptions and messages.
func (r wholeRange) text() string {
	return fmt.Sprintf("a whole number from %d to %d", r.min, r.max)
}

// describe appends the range to an attribute's description.
func (r wholeRange) describe(desc string) string {
	return fmt.Sprintf("%s A whole number from %d to %d.", desc, r.min, r.max)
}

// attribute returns an optional whole-number attribute of a resource in r;
// callers adjust Optional, Required, Computed and plan modifiers.
func (r wholeRange) attribute(desc string) schema.NumberAttribute {
	return schema.NumberAttribute{
		CustomType:          wholeNumberType{},
		MarkdownDescription: r.describe(desc),
		Optional:            true,
		Validators:          []validator.Number{r},
	}
}

// providerAttribute is attribute for the provider's own schema.
func (r wholeRange) providerAttribute(desc string) providerschema.NumberAttribute {
	return providerschema.NumberAttribute{
		CustomType:          wholeNumberType{},
		MarkdownDescription: r.describe(desc),
		Optional:            true,
		Validators:          []validator.Number{r},
	}
}

// check returns n as an int64 when it is a whole number in r, or why it is
// not, naming the range.
func (r wholeRange) check(n *big.Float) (int64, string) {
	switch {
	case n.IsInf():
		return 0, "is not a finite number; use " + r.text()
	case !n.IsInt():
		return 0, "is not a whole number; use " + r.text()
	}
	v, acc := n.Int64()
	if acc != big.Exact || v < r.min || v > r.max {
		return 0, "is out of range; use " + r.text()
	}
	return v, ""
}

// parse reads a whole number in r from an environment variable's text, which
// may be written as Terraform would accept it (1000, 1e6).
func (r wholeRange) parse(s string) (int64, string) {
	n, _, err := big.ParseFloat(s, 10, 512, big.ToNearestEven)
	if err != nil {
		return 0, "is not a number; use " + r.text()
	}
	return r.check(n)
}

func (r wholeRange) Description(context.Context) string { return "must be " + r.text() }

func (r wholeRange) MarkdownDescription(ctx context.Context) string { return r.Description(ctx) }

// ValidateNumber reports a value that is not a whole number in r.
func (r wholeRange) ValidateNumber(_ context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	n := req.ConfigValue.ValueBigFloat()
	if _, problem := r.check(n); problem != "" {
		invalidWholeNumber(&resp.Diagnostics, req.Path, req.Path.String(), formatBigNumber(n), problem)
	}
}

// formatBigNumber prints a configured number as short as it reads back:
// 1000.5, 9000000000000000000, 1e+30.
func formatBigNumber(n *big.Float) string {
	if v, acc := n.Int64(); acc == big.Exact {
		return strconv.FormatInt(v, 10)
	}
	return n.Text('g', -1)
}

// realRange is the range of a fractional attribute (a rate, a ratio), with
// either end open or closed.
type realRange struct {
	min, max         float64
	minOpen, maxOpen bool
}

// text names the range for descriptions and messages.
func (r realRange) text() string {
	switch {
	case r.minOpen:
		return fmt.Sprintf("a number greater than %s and at most %s", formatReal(r.min), formatReal(r.max))
	case r.maxOpen:
		return fmt.Sprintf("a number from %s up to but excluding %s", formatReal(r.min), formatReal(r.max))
	}
	return fmt.Sprintf("a number from %s to %s", formatReal(r.min), formatReal(r.max))
}

// describe appends the range to an attribute's description.
func (r realRange) describe(desc string) string { return desc + " A" + r.text()[1:] + "." }

// attribute returns an optional fractional attribute of a resource in r.
func (r realRange) attribute(desc string) schema.Float64Attribute {
	return schema.Float64Attribute{MarkdownDescription: r.describe(desc), Optional: true, Validators: []validator.Float64{r}}
}

// providerAttribute is attribute for the provider's own schema.
func (r realRange) providerAttribute(desc string) providerschema.Float64Attribute {
	return providerschema.Float64Attribute{MarkdownDescription: r.describe(desc), Optional: true, Validators: []validator.Float64{r}}
}

// check returns why v is outside r, naming the range, or "".
func (r realRange) check(v float64) string {
	below := v < r.min || (r.minOpen && v == r.min)
	above := v > r.max || (r.maxOpen && v == r.max)
	if math.IsNaN(v) || below || above {
		return "is out of range; use " + r.text()
	}
	return ""
}

func (r realRange) Description(context.Context) string { return "must be " + r.text() }

func (r realRange) MarkdownDescription(ctx context.Context) string { return r.Description(ctx) }

// ValidateFloat64 reports a value outside r.
func (r realRange) ValidateFloat64(_ context.Context, req validator.Float64Request, resp *validator.Float64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	v := req.ConfigValue.ValueFloat64()
	if problem := r.check(v); problem != "" {
		numberOutOfRange(&resp.Diagnostics, req.Path, req.Path.String(), formatReal(v), problem)
	}
}

// formatReal prints a number as short as it reads back: 0.2, 100, 1e+30.
func formatReal(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e21 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// wholeNumberType is a Terraform number whose values are wholeNumber.
type wholeNumberType struct{ basetypes.NumberType }

func (wholeNumberType) Equal(o attr.Type) bool {
	_, ok := o.(wholeNumberType)
	return ok
}

func (wholeNumberType) String() string { return "provider.wholeNumberType" }

func (wholeNumberType) ValueFromNumber(_ context.Context, v basetypes.NumberValue) (basetypes.NumberValuable, diag.Diagnostics) {
	return wholeNumber{NumberValue: v}, nil
}

func (t wholeNumberType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.NumberType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	n, ok := v.(basetypes.NumberValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return wholeNumber{NumberValue: n}, nil
}

func (wholeNumberType) ValueType(context.Context) attr.Value { return wholeNumber{} }

// wholeNumber is the value of a whole-number attribute. Its methods mirror
// types.Int64's, so models read the same.
type wholeNumber struct{ basetypes.NumberValue }

func (v wholeNumber) Equal(o attr.Value) bool {
	other, ok := o.(wholeNumber)
	return ok && v.NumberValue.Equal(other.NumberValue)
}

func (wholeNumber) Type(context.Context) attr.Type { return wholeNumberType{} }

// ValueInt64 returns the number, 0 when null or unknown. Values reach it
// only after the validator, so they are whole and within int64; anything
// else is truncated and clamped.
func (v wholeNumber) ValueInt64() int64 {
	if v.IsNull() || v.IsUnknown() {
		return 0
	}
	n, _ := v.ValueBigFloat().Int64()
	return n
}

// wholeNumberValue returns a known whole number.
func wholeNumberValue(n int64) wholeNumber {
	return wholeNumber{NumberValue: basetypes.NewNumberValue(new(big.Float).SetInt64(n))}
}

// wholeNumberOf returns the value a cluster reports, kept exact even when
// it is not whole (another tool may have written 1000.5), so that the plan
// shows the difference from the configuration.
func wholeNumberOf(f float64) wholeNumber {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return wholeNumberNull()
	}
	return wholeNumber{NumberValue: basetypes.NewNumberValue(big.NewFloat(f))}
}

// wholeNumberNull returns a null whole number.
func wholeNumberNull() wholeNumber { return wholeNumber{NumberValue: basetypes.NewNumberNull()} }

// wholeNumberOrNull returns n, or null for 0, the zero value of optional
// figures such as budgets.
func wholeNumberOrNull(n int64) wholeNumber {
	if n == 0 {
		return wholeNumberNull()
	}
	return wholeNumberValue(n)
}
