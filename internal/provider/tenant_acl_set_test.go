package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// TestAccTenant_removedBindingIsOneAddition removes one of a tenant's ACL
// bindings behind Terraform's back. acl_bindings is a set, so the plan
// differs from the state by exactly that binding, added, rather than by a
// cascade of shifted list elements; the apply restores it and the next plan
// is empty.
func TestAccTenant_removedBindingIsOneAddition(t *testing.T) {
	tenant := acctest.Name("t")
	removed := kafka.ACL{Principal: "User:" + tenant, Host: "*", ResourceType: "TOPIC", ResourceName: tenant + ".", PatternType: "PREFIXED",
		Operation: "DESCRIBE", Permission: "ALLOW"}
	config := plainTenant(tenant, "")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkTenantGone(t, "User:"+tenant),
		Steps: []resource.TestStep{
			{Config: config, Check: resource.TestCheckResourceAttr("kafkatenant_tenant.test", "acl_bindings.#", "12")},
			{
				PreConfig: func() {
					if err := acctest.AdminClient(t).DeleteACLs(context.Background(), []kafka.ACL{removed}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("kafkatenant_tenant.test", plancheck.ResourceActionUpdate),
						expectBindingsDiff{address: "kafkatenant_tenant.test", added: "TOPIC|PREFIXED|" + tenant + ".|User:" + tenant + "|*|DESCRIBE|ALLOW"},
					},
				},
				Check: checkTenantACLCount(t, "User:"+tenant, 12),
			},
			{Config: config, PlanOnly: true},
		},
	})
}

// expectBindingsDiff checks that a resource's planned acl_bindings are its
// prior ones plus exactly one binding, added, written as its import ID.
type expectBindingsDiff struct {
	address string
	added   string
}

func (e expectBindingsDiff) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != e.address {
			continue
		}
		before, err := bindingSet(rc.Change.Before)
		if err == nil {
			var after map[string]int
			after, err = bindingSet(rc.Change.After)
			if err == nil {
				err = e.compare(before, after)
			}
		}
		resp.Error = err
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", e.address)
}

func (e expectBindingsDiff) compare(before, after map[string]int) error {
	var addedKeys, removedKeys []string
	for k, n := range after {
		if before[k] < n {
			addedKeys = append(addedKeys, k)
		}
	}
	for k, n := range before {
		if after[k] < n {
			removedKeys = append(removedKeys, k)
		}
	}
	if len(removedKeys) != 0 || len(addedKeys) != 1 || addedKeys[0] != e.added {
		return fmt.Errorf("acl_bindings plan adds %v and removes %v, want exactly %s added", addedKeys, removedKeys, e.added)
	}
	return nil
}

// bindingSet counts the acl_bindings elements of a planned or prior value.
func bindingSet(value any) (map[string]int, error) {
	obj, ok := value.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("resource value %T is not an object", value)
	}
	elems, ok := obj["acl_bindings"].([]any)
	if !ok {
		return nil, fmt.Errorf("acl_bindings = %#v is not known in the plan", obj["acl_bindings"])
	}
	out := map[string]int{}
	for _, e := range elems {
		id, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("acl_bindings element %T is not a string", e)
		}
		out[id]++
	}
	return out, nil
}
