// Package planmodifiers holds named plan modifiers for rules that depend on
// the prior state, such as a count that may only grow.
package planmodifiers

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
)

// PartitionsOnlyGrow fails the plan when a topic's partition count would
// decrease. Kafka cannot remove partitions, and replacing the topic instead
// would silently delete its records, so the operator has to ask for that
// explicitly.
func PartitionsOnlyGrow() planmodifier.Number { return partitionsOnlyGrow{} }

type partitionsOnlyGrow struct{}

func (partitionsOnlyGrow) Description(context.Context) string {
	return "The partition count can grow in place; a decrease is a plan error because Kafka cannot remove partitions."
}

func (m partitionsOnlyGrow) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (partitionsOnlyGrow) PlanModifyNumber(_ context.Context, req planmodifier.NumberRequest, resp *planmodifier.NumberResponse) {
	if req.StateValue.IsNull() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() || req.StateValue.IsUnknown() {
		return
	}
	current, wanted := req.StateValue.ValueBigFloat(), req.PlanValue.ValueBigFloat()
	if wanted.Cmp(current) >= 0 {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Partition Count Cannot Decrease",
		fmt.Sprintf("The topic has %s partitions and the configuration asks for %s. Kafka can add partitions to a topic but cannot remove them, "+
			"and kafkatenant will not silently replace the topic, because that deletes every record in it.\n\n"+
			"Either keep partitions at %s or more, or recreate the topic deliberately, losing its records: "+
			"run `terraform destroy -target=<address>` with the address shown above, then `terraform apply`. "+
			"(`terraform apply -replace` cannot be used here: Terraform plans the in-place change first, which this check refuses.)",
			current.Text('f', -1), wanted.Text('f', -1), current.Text('f', -1)))
}
