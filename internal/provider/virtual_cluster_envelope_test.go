package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// Fifty tenants at 1.76% fill an 88% envelope exactly, though their sum
// in floating point is 88.00000000000004: the envelope is not below what
// they hold. One more hundredth of a percent is.
func TestCheckEnvelope_exactFillIsNotOver(t *testing.T) {
	for _, tc := range []struct {
		last float64
		want bool
	}{{1.76, true}, {1.77, false}} {
		vc := tenancy.VirtualCluster{Name: "vc", Prefix: "vc.", Envelope: &tenancy.Envelope{RequestPercentage: 88}}
		in := capacityInputs{ns: tenancy.Namespaces{VirtualClusters: map[string]tenancy.VirtualCluster{"vc": vc}, Tenants: map[string]tenancy.Tenant{}}}
		for i := range 50 {
			name := fmt.Sprintf("t%02d", i)
			in.ns.Tenants[name] = tenancy.Tenant{Name: name, VirtualCluster: "vc", Principal: "User:" + name,
				Prefixes: map[tenancy.NameKind]string{tenancy.TopicNames: "vc." + name + "."}}
			v := 1.76
			if i == 49 {
				v = tc.last
			}
			in.quotas = append(in.quotas, tenancy.Quota{Entity: tenancy.Entity{{Type: tenancy.EntityUser, Name: name}},
				Values: map[tenancy.QuotaKey]float64{tenancy.RequestPercentage: v}})
		}
		var diags diag.Diagnostics
		if got := (&providerData{}).checkEnvelope(in, vc, nil, 3, planning, &diags); got != tc.want {
			t.Errorf("last tenant at %v%%: checkEnvelope = %v (%v), want %v", tc.last, got, diags, tc.want)
		}
	}
}
