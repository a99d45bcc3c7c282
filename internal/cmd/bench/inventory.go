package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/embedded"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// benchPrefix starts the name of every object the benchmark creates, so
// that its objects are told apart from others and leftovers can be swept.
const benchPrefix = "ktbench-"

// The kinds of object an inventory lists.
const (
	kindTopic                = "topic"
	kindSCRAMUser            = "SCRAM user"
	kindACLPrincipal         = "ACL principal"
	kindQuota                = "quota"
	kindVirtualClusterRecord = "registry virtual_cluster"
	kindTenantRecord         = "registry tenant"
)

// inventoryKinds lists the kinds in the order differences are reported.
var inventoryKinds = []string{kindTopic, kindSCRAMUser, kindACLPrincipal, kindQuota, kindVirtualClusterRecord, kindTenantRecord}

// inventory is a set of benchmark objects by kind. A quota is listed with
// its values, so that a quota written with other values differs.
type inventory map[string]map[string]bool

func (inv inventory) add(kind, name string) {
	if inv[kind] == nil {
		inv[kind] = map[string]bool{}
	}
	inv[kind][name] = true
}

// diffInventories describes how got differs from want, kind by kind, with a few
// examples of each difference; it returns "" when they are equal.
func diffInventories(want, got inventory) string {
	var lines []string
	for _, kind := range inventoryKinds {
		missing := setMinus(want[kind], got[kind])
		extra := setMinus(got[kind], want[kind])
		if len(missing) == 0 && len(extra) == 0 {
			continue
		}
		line := fmt.Sprintf("%ss: %d, want %d", kind, len(got[kind]), len(want[kind]))
		if len(missing) > 0 {
			line += fmt.Sprintf("; missing %s", examples(missing))
		}
		if len(extra) > 0 {
			line += fmt.Sprintf("; unexpected %s", examples(extra))
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

func setMinus(a, b map[string]bool) []string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// examples renders the first three names and how many more there are.
func examples(names []string) string {
	if len(names) <= 3 {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:3], ", "), len(names)-3)
}

// quotaLine renders a quota entity with its values in a stable order.
func quotaLine(entity string, values map[string]float64) string {
	parts := []string{entity}
	for _, k := range slices.Sorted(maps.Keys(values)) {
		parts = append(parts, k+"="+strconv.FormatFloat(values[k], 'g', -1, 64))
	}
	return strings.Join(parts, " ")
}

// takeInventory lists every benchmark object on the cluster: topics, SCRAM
// users, principals holding ACLs and quota entities whose name starts with
// benchPrefix, and the registry's records of such virtual clusters and
// tenants. The registry is read only when its topic exists, so that taking
// an inventory never creates it.
func takeInventory(ctx context.Context, cluster *embedded.Cluster) (inventory, error) {
	c := kafka.NewClient(kafka.Config{
		BootstrapServers: cluster.BootstrapServers(),
		SASL: &kafka.SASLConfig{
			Mechanism: embedded.DefaultMechanism,
			Username:  cluster.AdminUser(),
			Password:  cluster.AdminPassword(),
		},
	})
	defer c.Close()
	inv := inventory{}
	bench := func(name string) bool { return strings.HasPrefix(name, benchPrefix) }

	topics, err := c.ListTopics(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing topics: %w", err)
	}
	for name := range topics {
		if bench(name) {
			inv.add(kindTopic, name)
		}
	}
	users, err := c.ListSCRAMUsers(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if bench(u) {
			inv.add(kindSCRAMUser, u)
		}
	}
	acls, err := c.DescribeACLs(ctx, "")
	if err != nil {
		return nil, err
	}
	for _, a := range acls {
		if bench(strings.TrimPrefix(a.Principal, "User:")) {
			inv.add(kindACLPrincipal, a.Principal)
		}
	}
	quotas, err := c.DescribeQuotas(ctx)
	if err != nil {
		return nil, err
	}
	for _, q := range quotas {
		if slices.ContainsFunc(q.Entity, func(comp kafka.QuotaComponent) bool { return bench(comp.Name) }) {
			inv.add(kindQuota, quotaLine(kafka.EntityKey(q.Entity), q.Values))
		}
	}
	if _, ok := topics[c.RegistryTopic()]; ok {
		reg, err := c.Registry(ctx)
		if err != nil {
			return nil, err
		}
		// The record kinds the provider writes (kindVirtualCluster and
		// kindTenant in internal/provider, which this command does not
		// import).
		for kind, inventoryKind := range map[string]string{"virtual_cluster": kindVirtualClusterRecord, "tenant": kindTenantRecord} {
			for name := range reg.Of(kind) {
				if bench(name) {
					inv.add(inventoryKind, name)
				}
			}
		}
	}
	return inv, nil
}
