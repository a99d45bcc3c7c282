package kafka

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// QuotaComponent is one part of a client-quota entity: a type ("user",
// "client-id" or "ip") and a name, or Kafka's <default> when Default is set.
type QuotaComponent struct {
	Type    string
	Name    string
	Default bool
}

// ClientQuota is the quota values set on one entity.
type ClientQuota struct {
	Entity []QuotaComponent
	Values map[string]float64
}

// EntityKey renders an entity in a stable form, such as
// "client-id=<default>,user=alice", for maps and messages.
func EntityKey(entity []QuotaComponent) string {
	parts := make([]string, len(entity))
	for i, c := range entity {
		name := c.Name
		if c.Default {
			name = "<default>"
		}
		parts[i] = c.Type + "=" + name
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func toKadmEntity(entity []QuotaComponent) kadm.ClientQuotaEntity {
	out := make(kadm.ClientQuotaEntity, len(entity))
	for i, c := range entity {
		out[i] = kadm.ClientQuotaEntityComponent{Type: c.Type}
		if !c.Default {
			name := c.Name
			out[i].Name = &name
		}
	}
	return out
}

func fromKadmEntity(entity kadm.ClientQuotaEntity) []QuotaComponent {
	out := make([]QuotaComponent, len(entity))
	for i, c := range entity {
		out[i] = QuotaComponent{Type: c.Type, Default: c.Name == nil}
		if c.Name != nil {
			out[i].Name = *c.Name
		}
	}
	return out
}

// DescribeQuotas returns every client quota on the cluster, from every
// workspace and tool that set one.
func (c *Client) DescribeQuotas(ctx context.Context) ([]ClientQuota, error) {
	adm, err := c.admin(ctx)
	if err != nil {
		return nil, err
	}
	var all []ClientQuota
	// A non-strict filter on one component matches every entity holding a
	// component of that type, so a filter per type, for named and for
	// <default> components (Kafka's ANY matches names only), covers every
	// entity; duplicates are folded below.
	seen := map[string]bool{}
	var filters [][]kadm.DescribeClientQuotaComponent
	for _, typ := range []string{"user", "client-id", "ip"} {
		for _, match := range []kmsg.QuotasMatchType{kmsg.QuotasMatchTypeAny, kmsg.QuotasMatchTypeDefault} {
			filters = append(filters, []kadm.DescribeClientQuotaComponent{{Type: typ, MatchType: match}})
		}
	}
	for _, filter := range filters {
		described, err := adm.DescribeClientQuotas(ctx, false, filter)
		if err != nil {
			return nil, fmt.Errorf("describing client quotas: %w", err)
		}
		for _, d := range described {
			q := ClientQuota{Entity: fromKadmEntity(d.Entity), Values: map[string]float64{}}
			key := EntityKey(q.Entity)
			if seen[key] {
				continue
			}
			seen[key] = true
			for _, v := range d.Values {
				q.Values[v.Key] = v.Value
			}
			all = append(all, q)
		}
	}
	sort.Slice(all, func(i, j int) bool { return EntityKey(all[i].Entity) < EntityKey(all[j].Entity) })
	return all, nil
}

// DescribeQuota returns the values set on exactly one entity; an entity
// without quotas gives an empty map.
func (c *Client) DescribeQuota(ctx context.Context, entity []QuotaComponent) (map[string]float64, error) {
	adm, err := c.admin(ctx)
	if err != nil {
		return nil, err
	}
	filter := make([]kadm.DescribeClientQuotaComponent, len(entity))
	for i, comp := range entity {
		filter[i] = kadm.DescribeClientQuotaComponent{Type: comp.Type, MatchType: kmsg.QuotasMatchTypeDefault}
		if !comp.Default {
			name := comp.Name
			filter[i] = kadm.DescribeClientQuotaComponent{Type: comp.Type, MatchName: &name, MatchType: kmsg.QuotasMatchTypeExact}
		}
	}
	described, err := adm.DescribeClientQuotas(ctx, true, filter)
	if err != nil {
		return nil, fmt.Errorf("describing the client quota of %s: %w", EntityKey(entity), err)
	}
	out := map[string]float64{}
	want := EntityKey(entity)
	for _, d := range described {
		if EntityKey(fromKadmEntity(d.Entity)) != want {
			continue
		}
		for _, v := range d.Values {
			out[v.Key] = v.Value
		}
	}
	return out, nil
}

// AlterQuota sets and removes quota keys on one entity in a single request.
// With validateOnly the brokers check the change and apply nothing.
func (c *Client) AlterQuota(ctx context.Context, entity []QuotaComponent, set map[string]float64, remove []string, validateOnly bool) error {
	if len(set) == 0 && len(remove) == 0 {
		return nil
	}
	adm, err := c.admin(ctx)
	if err != nil {
		return err
	}
	entry := kadm.AlterClientQuotaEntry{Entity: toKadmEntity(entity)}
	for _, k := range sortedKeys(set) {
		entry.Ops = append(entry.Ops, kadm.AlterClientQuotaOp{Key: k, Value: set[k]})
	}
	for _, k := range remove {
		entry.Ops = append(entry.Ops, kadm.AlterClientQuotaOp{Key: k, Remove: true})
	}
	alter := adm.AlterClientQuotas
	if validateOnly {
		alter = adm.ValidateAlterClientQuotas
	}
	results, err := alter(ctx, []kadm.AlterClientQuotaEntry{entry})
	if err != nil {
		return fmt.Errorf("altering the client quota of %s: %w", EntityKey(entity), err)
	}
	for _, r := range results {
		if r.Err != nil {
			return fmt.Errorf("altering the client quota of %s: %w", EntityKey(entity), withMessage(r.Err, r.ErrMessage))
		}
	}
	return nil
}

// PartitionLeaders returns the distinct brokers that lead the partitions
// of the named topics, sorted.
func (c *Client) PartitionLeaders(ctx context.Context, topics []string) ([]int32, error) {
	seen := map[int32]bool{}
	for _, t := range topics {
		d, err := c.DescribeTopic(ctx, t)
		if err != nil {
			return nil, err
		}
		for _, l := range d.Leaders {
			if l >= 0 {
				seen[l] = true
			}
		}
	}
	out := make([]int32, 0, len(seen))
	for b := range seen {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}
