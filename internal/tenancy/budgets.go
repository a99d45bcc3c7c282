package tenancy

import (
	"math"
	"sort"
)

// TopicUsage is what one topic uses of its tenant's budgets.
type TopicUsage struct {
	// Name is the topic name.
	Name string
	// Partitions is its partition count.
	Partitions int64
	// RetentionBytes is its retention.bytes, or a negative number when the
	// topic sets none (Kafka's -1, unlimited).
	RetentionBytes int64
}

// Budget names, as the tenant resource's attributes spell them.
const (
	BudgetTopics         = "max_topics"
	BudgetPartitions     = "max_partitions"
	BudgetRetentionBytes = "max_retention_bytes"
)

// BudgetViolation is a budget the planned topic would exceed.
type BudgetViolation struct {
	// Budget names the budget, such as BudgetTopics.
	Budget string
	// Limit is the budget's value.
	Limit int64
	// Used is what the tenant's other topics use now.
	Used int64
	// Requested is what the planned topic adds.
	Requested int64
	// Unlimited lists topics that set no retention.bytes, which makes the
	// retention budget impossible to honour.
	Unlimited []string
}

// Usage is what a tenant's topics use of its budgets together.
type Usage struct {
	// Topics is the number of topics.
	Topics int64
	// Partitions is their partitions together.
	Partitions int64
	// RetentionBytes is the sum of retention.bytes times partitions over
	// the topics that set retention.bytes, at most math.MaxInt64.
	RetentionBytes int64
	// Unlimited lists, sorted, the topics that set no retention.bytes and
	// may keep any amount of log.
	Unlimited []string
}

// SumUsage adds up what topics use of a tenant's budgets.
func SumUsage(topics []TopicUsage) Usage {
	u := Usage{Topics: int64(len(topics))}
	for _, t := range topics {
		u.Partitions = addCapped(u.Partitions, t.Partitions)
		if t.RetentionBytes < 0 {
			u.Unlimited = append(u.Unlimited, t.Name)
			continue
		}
		u.RetentionBytes = addCapped(u.RetentionBytes, mulCapped(t.RetentionBytes, t.Partitions))
	}
	sort.Strings(u.Unlimited)
	return u
}

// CheckBudgets checks a planned topic against the tenant's budgets, given
// the tenant's other topics on the cluster (the planned topic excluded,
// whether it exists yet or not). Each budget is checked only when set.
func (b Budgets) CheckBudgets(others []TopicUsage, planned TopicUsage) []BudgetViolation {
	var out []BudgetViolation
	used := SumUsage(others)
	if b.MaxTopics > 0 && used.Topics+1 > b.MaxTopics {
		out = append(out, BudgetViolation{Budget: BudgetTopics, Limit: b.MaxTopics, Used: used.Topics, Requested: 1})
	}
	if b.MaxPartitions > 0 && addCapped(used.Partitions, planned.Partitions) > b.MaxPartitions {
		out = append(out, BudgetViolation{Budget: BudgetPartitions, Limit: b.MaxPartitions, Used: used.Partitions, Requested: planned.Partitions})
	}
	if b.MaxRetentionBytes > 0 {
		unlimited := used.Unlimited
		requested := mulCapped(planned.RetentionBytes, planned.Partitions)
		if planned.RetentionBytes < 0 {
			unlimited = append(unlimited, planned.Name)
			requested = 0
		}
		sort.Strings(unlimited)
		if len(unlimited) > 0 || addCapped(used.RetentionBytes, requested) > b.MaxRetentionBytes {
			out = append(out, BudgetViolation{Budget: BudgetRetentionBytes, Limit: b.MaxRetentionBytes, Used: used.RetentionBytes, Requested: requested, Unlimited: unlimited})
		}
	}
	return out
}

// Total is Used + Requested, at most math.MaxInt64.
func (v BudgetViolation) Total() int64 { return addCapped(v.Used, v.Requested) }

// addCapped adds two counts of 0 or more, stopping at math.MaxInt64 rather
// than overflowing: retention.bytes may be as large as Kafka's own long, and
// a sum that wrapped negative would pass any budget.
func addCapped(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// mulCapped multiplies two counts of 0 or more, stopping at math.MaxInt64.
func mulCapped(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}
