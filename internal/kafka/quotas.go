package kafka

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
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
// workspace and tool that set one. It asks the cluster afresh; concurrent
// calls share one request.
func (c *Client) DescribeQuotas(ctx context.Context) ([]ClientQuota, error) {
	quotas, err := c.allQuotas.get(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ClientQuota, len(quotas))
	for i, q := range quotas {
		out[i] = cloneQuota(q)
	}
	return out, nil
}

// describeAllQuotas asks for every entity with quotas in one request: an
// empty, non-strict filter matches them all.
func (c *Client) describeAllQuotas(ctx context.Context) ([]ClientQuota, error) {
	req := kmsg.NewPtrDescribeClientQuotasRequest()
	req.Strict = false
	req.Components = []kmsg.DescribeClientQuotasRequestComponent{}
	raw, err := c.read(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("describing client quotas: %w", err)
	}
	resp := raw.(*kmsg.DescribeClientQuotasResponse)
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return nil, fmt.Errorf("describing client quotas: %w", withMessage(err, deref(resp.ErrorMessage)))
	}
	all := make([]ClientQuota, 0, len(resp.Entries))
	for _, e := range resp.Entries {
		q := ClientQuota{Values: map[string]float64{}}
		for _, comp := range e.Entity {
			qc := QuotaComponent{Type: comp.Type, Default: comp.Name == nil}
			if comp.Name != nil {
				qc.Name = *comp.Name
			}
			q.Entity = append(q.Entity, qc)
		}
		for _, v := range e.Values {
			q.Values[v.Key] = v.Value
		}
		all = append(all, q)
	}
	sort.Slice(all, func(i, j int) bool { return EntityKey(all[i].Entity) < EntityKey(all[j].Entity) })
	return all, nil
}

// DescribeQuota returns the values set on exactly one entity; an entity
// without quotas gives an empty map. It asks the cluster afresh.
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

// quotaAlter is one AlterQuota call waiting to be batched.
type quotaAlter struct {
	entity       []QuotaComponent
	set          map[string]float64
	remove       []string
	validateOnly bool
}

// AlterQuota sets and removes quota keys on one entity. With validateOnly
// the brokers check the change and apply nothing. Concurrent calls share
// one AlterClientQuotas request.
func (c *Client) AlterQuota(ctx context.Context, entity []QuotaComponent, set map[string]float64, remove []string, validateOnly bool) error {
	if len(set) == 0 && len(remove) == 0 {
		return nil
	}
	if _, err := c.admin(ctx); err != nil {
		return err
	}
	_, err := c.alterQuotas.do(ctx, quotaAlter{entity: entity, set: set, remove: remove, validateOnly: validateOnly})
	return err
}

func (c *Client) alterQuotaBatch(ctx context.Context, alters []quotaAlter) []batchResult[struct{}] {
	adm, err := c.admin(ctx)
	if err != nil {
		return failAll[struct{}](len(alters), err)
	}
	results := make([]batchResult[struct{}], len(alters))
	runs := uniqueRuns(alters, func(a quotaAlter) string { return fmt.Sprintf("%t/%s", a.validateOnly, EntityKey(a.entity)) })
	for _, run := range runs {
		for _, validate := range []bool{false, true} {
			var idx []int
			var entries []kadm.AlterClientQuotaEntry
			for _, i := range run {
				a := alters[i]
				if a.validateOnly != validate {
					continue
				}
				entry := kadm.AlterClientQuotaEntry{Entity: toKadmEntity(a.entity)}
				for _, k := range sortedKeys(a.set) {
					entry.Ops = append(entry.Ops, kadm.AlterClientQuotaOp{Key: k, Value: a.set[k]})
				}
				for _, k := range a.remove {
					entry.Ops = append(entry.Ops, kadm.AlterClientQuotaOp{Key: k, Remove: true})
				}
				idx, entries = append(idx, i), append(entries, entry)
			}
			if len(entries) == 0 {
				continue
			}
			alter := adm.AlterClientQuotas
			if validate {
				alter = adm.ValidateAlterClientQuotas
			}
			answered, err := alter(ctx, entries)
			byEntity := map[string]kadm.AlteredClientQuota{}
			for _, r := range answered {
				byEntity[EntityKey(fromKadmEntity(r.Entity))] = r
			}
			for _, i := range idx {
				a := alters[i]
				key := EntityKey(a.entity)
				r, ok := byEntity[key]
				switch {
				case err != nil:
					results[i].err = fmt.Errorf("altering the client quota of %s: %w", key, err)
				case !ok:
					results[i].err = fmt.Errorf("altering the client quota of %s: the cluster did not answer for the entity", key)
				case r.Err != nil:
					results[i].err = fmt.Errorf("altering the client quota of %s: %w", key, withMessage(r.Err, r.ErrMessage))
				case !validate:
					c.wrote(func(s *Snapshot) { s.alterQuota(a.entity, a.set, a.remove) })
				}
			}
		}
	}
	return results
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
