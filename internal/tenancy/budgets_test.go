package tenancy

import (
	"math"
	"reflect"
	"testing"
)

func TestCheckBudgets(t *testing.T) {
	others := []TopicUsage{{Name: "a", Partitions: 3, RetentionBytes: 1000}, {Name: "b", Partitions: 2, RetentionBytes: 500}}
	cases := []struct {
		name    string
		budgets Budgets
		others  []TopicUsage
		planned TopicUsage
		want    []BudgetViolation
	}{
		{"no budgets", Budgets{}, others, TopicUsage{Name: "c", Partitions: 100, RetentionBytes: -1}, nil},
		{"fits exactly", Budgets{MaxTopics: 3, MaxPartitions: 6, MaxRetentionBytes: 4100}, others, TopicUsage{Name: "c", Partitions: 1, RetentionBytes: 100}, nil},
		{"one topic too many", Budgets{MaxTopics: 2}, others, TopicUsage{Name: "c", Partitions: 1},
			[]BudgetViolation{{Budget: BudgetTopics, Limit: 2, Used: 2, Requested: 1}}},
		{"partitions over", Budgets{MaxPartitions: 6}, others, TopicUsage{Name: "c", Partitions: 2},
			[]BudgetViolation{{Budget: BudgetPartitions, Limit: 6, Used: 5, Requested: 2}}},
		{"retention over", Budgets{MaxRetentionBytes: 4000}, others, TopicUsage{Name: "c", Partitions: 1, RetentionBytes: 100},
			[]BudgetViolation{{Budget: BudgetRetentionBytes, Limit: 4000, Used: 4000, Requested: 100}}},
		{"planned topic unlimited", Budgets{MaxRetentionBytes: 1 << 40}, others, TopicUsage{Name: "c", Partitions: 1, RetentionBytes: -1},
			[]BudgetViolation{{Budget: BudgetRetentionBytes, Limit: 1 << 40, Used: 4000, Requested: 0, Unlimited: []string{"c"}}}},
		{"existing topic unlimited", Budgets{MaxRetentionBytes: 1 << 40}, append([]TopicUsage{{Name: "z", Partitions: 1, RetentionBytes: -1}}, others...),
			TopicUsage{Name: "c", Partitions: 1, RetentionBytes: 1},
			[]BudgetViolation{{Budget: BudgetRetentionBytes, Limit: 1 << 40, Used: 4000, Requested: 1, Unlimited: []string{"z"}}}},
		// retention.bytes may be Kafka's largest long; products and sums
		// saturate instead of wrapping negative and passing the budget.
		{"retention product beyond int64", Budgets{MaxRetentionBytes: math.MaxInt64 - 1}, nil, TopicUsage{Name: "c", Partitions: 4, RetentionBytes: math.MaxInt64 / 2},
			[]BudgetViolation{{Budget: BudgetRetentionBytes, Limit: math.MaxInt64 - 1, Used: 0, Requested: math.MaxInt64}}},
		{"retention sum beyond int64", Budgets{MaxRetentionBytes: math.MaxInt64 - 1}, []TopicUsage{{Name: "a", Partitions: 1, RetentionBytes: math.MaxInt64 - 10}},
			TopicUsage{Name: "c", Partitions: 1, RetentionBytes: 20},
			[]BudgetViolation{{Budget: BudgetRetentionBytes, Limit: math.MaxInt64 - 1, Used: math.MaxInt64 - 10, Requested: 20}}},
		{"partition sum beyond int64", Budgets{MaxPartitions: math.MaxInt32}, []TopicUsage{{Name: "a", Partitions: math.MaxInt64}}, TopicUsage{Name: "c", Partitions: 1},
			[]BudgetViolation{{Budget: BudgetPartitions, Limit: math.MaxInt32, Used: math.MaxInt64, Requested: 1}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.budgets.CheckBudgets(c.others, c.planned)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("CheckBudgets = %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestSumUsage(t *testing.T) {
	cases := []struct {
		name   string
		topics []TopicUsage
		want   Usage
	}{
		{"none", nil, Usage{}},
		{"retention times partitions", []TopicUsage{{Name: "a", Partitions: 3, RetentionBytes: 1000}, {Name: "b", Partitions: 2, RetentionBytes: 500}},
			Usage{Topics: 2, Partitions: 5, RetentionBytes: 4000}},
		{"unlimited topics listed, not summed", []TopicUsage{{Name: "z", Partitions: 4, RetentionBytes: -1}, {Name: "a", Partitions: 1, RetentionBytes: 10}, {Name: "m", Partitions: 2, RetentionBytes: -1}},
			Usage{Topics: 3, Partitions: 7, RetentionBytes: 10, Unlimited: []string{"m", "z"}}},
		{"saturates", []TopicUsage{{Name: "a", Partitions: 4, RetentionBytes: math.MaxInt64 / 2}, {Name: "b", Partitions: 1, RetentionBytes: 1}},
			Usage{Topics: 2, Partitions: 5, RetentionBytes: math.MaxInt64}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := SumUsage(c.topics); !reflect.DeepEqual(got, c.want) {
				t.Errorf("SumUsage = %+v, want %+v", got, c.want)
			}
		})
	}
}
