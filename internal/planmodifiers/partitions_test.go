package planmodifiers_test

import (
	"context"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/planmodifiers"
)

func num(n int64) types.Number { return types.NumberValue(new(big.Float).SetInt64(n)) }

func TestPartitionsOnlyGrow(t *testing.T) {
	cases := []struct {
		name         string
		state, plan  types.Number
		wantError    bool
		wantInDetail []string
	}{
		{name: "grow", state: num(3), plan: num(6)},
		{name: "equal", state: num(3), plan: num(3)},
		{name: "create has no state", state: types.NumberNull(), plan: num(1)},
		{name: "destroy has no plan", state: num(3), plan: types.NumberNull()},
		{name: "unknown plan", state: num(3), plan: types.NumberUnknown()},
		{name: "unknown state", state: types.NumberUnknown(), plan: num(1)},
		{
			name: "decrease", state: num(6), plan: num(3), wantError: true,
			wantInDetail: []string{"The topic has 6 partitions and the configuration asks for 3", "keep partitions at 6 or more", "terraform destroy -target="},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := planmodifier.NumberRequest{Path: path.Root("partitions"), StateValue: tc.state, PlanValue: tc.plan, ConfigValue: tc.plan}
			resp := planmodifier.NumberResponse{PlanValue: tc.plan}
			planmodifiers.PartitionsOnlyGrow().PlanModifyNumber(context.Background(), req, &resp)

			if !resp.PlanValue.Equal(tc.plan) {
				t.Errorf("plan value changed to %s, want %s left alone", resp.PlanValue, tc.plan)
			}
			if !tc.wantError {
				if len(resp.Diagnostics) > 0 {
					t.Fatalf("unexpected diagnostics: %v", resp.Diagnostics)
				}
				return
			}
			if len(resp.Diagnostics) != 1 {
				t.Fatalf("got %d diagnostics, want 1: %v", len(resp.Diagnostics), resp.Diagnostics)
			}
			d := resp.Diagnostics[0]
			if d.Severity() != diag.SeverityError || d.Summary() != "Partition Count Cannot Decrease" {
				t.Errorf("diagnostic = %s %q", d.Severity(), d.Summary())
			}
			if wp, ok := d.(diag.DiagnosticWithPath); !ok || !wp.Path().Equal(path.Root("partitions")) {
				t.Errorf("diagnostic is not attached to partitions: %v", d)
			}
			for _, s := range tc.wantInDetail {
				if !strings.Contains(d.Detail(), s) {
					t.Errorf("detail %q lacks %q", d.Detail(), s)
				}
			}
		})
	}
}

func TestPartitionsOnlyGrow_describesItself(t *testing.T) {
	m := planmodifiers.PartitionsOnlyGrow()
	ctx := context.Background()
	if !strings.Contains(m.Description(ctx), "cannot remove partitions") || m.MarkdownDescription(ctx) == "" {
		t.Errorf("description %q does not state the rule", m.Description(ctx))
	}
}
