package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// enumType is a string type for Kafka enum values that users may write in
// any case and with '_', '-' or nothing between words ("describe-configs",
// "DESCRIBE_CONFIGS"). Values that mean the same enum are semantically
// equal, so a cluster answering in canonical spelling never shows as drift.
type enumType struct{ basetypes.StringType }

var (
	_ basetypes.StringTypable                    = enumType{}
	_ basetypes.StringValuableWithSemanticEquals = enumValue{}
)

func (t enumType) Equal(o attr.Type) bool {
	_, ok := o.(enumType)
	return ok
}

func (t enumType) String() string { return "enumType" }

func (t enumType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return enumValue{StringValue: in}, nil
}

func (t enumType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return enumValue{StringValue: s}, nil
}

func (t enumType) ValueType(context.Context) attr.Value { return enumValue{} }

// enumValue is a value of enumType.
type enumValue struct{ basetypes.StringValue }

func (v enumValue) Equal(o attr.Value) bool {
	other, ok := o.(enumValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v enumValue) Type(context.Context) attr.Type { return enumType{} }

func (v enumValue) StringSemanticEquals(_ context.Context, o basetypes.StringValuable) (bool, diag.Diagnostics) {
	other, ok := o.(enumValue)
	if !ok {
		return false, nil
	}
	return normalizeEnum(v.ValueString()) == normalizeEnum(other.ValueString()), nil
}

// normalizeEnum folds an enum spelling the way Kafka's clients parse them:
// lower case, without '_', '-', '.' or spaces.
func normalizeEnum(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', '.', ' ':
			return -1
		}
		return r
	}, strings.ToLower(s))
}

func enumOf(s string) enumValue { return enumValue{StringValue: basetypes.NewStringValue(s)} }
func (v enumValue) known() bool { return !v.IsNull() && !v.IsUnknown() }
func (v enumValue) valueOr(d string) string {
	if v.IsNull() || v.IsUnknown() {
		return d
	}
	return v.ValueString()
}
