package tenancy

import (
	"fmt"
	"sort"
	"strings"
)

// NameKind is a kind of Kafka name a tenant owns a prefix of.
type NameKind string

// The kinds of names a tenant owns.
const (
	TopicNames           NameKind = "topic"
	GroupNames           NameKind = "group"
	TransactionalIDNames NameKind = "transactional_id"
)

// NameKinds lists every kind, in the order messages present them.
var NameKinds = []NameKind{TopicNames, GroupNames, TransactionalIDNames}

// VirtualCluster is a logical cluster carved out of the physical one: a
// prefix root that all its tenants live under.
type VirtualCluster struct {
	// Name identifies the virtual cluster.
	Name string `json:"name"`
	// Prefix roots every topic, group and transactional id of its tenants.
	Prefix string `json:"prefix"`
	// SharedTopics are existing topics outside Prefix that its tenants may
	// read.
	SharedTopics []string `json:"shared_topics,omitempty"`
	// BootstrapServers are the addresses its tenants connect to, when they
	// differ from the ones the provider uses.
	BootstrapServers []string `json:"bootstrap_servers,omitempty"`
	// Envelope bounds its tenants' quotas and partitions per broker; nil
	// when none is declared.
	Envelope *Envelope `json:"envelope,omitempty"`
}

// Tenant is a principal and the namespace it owns.
type Tenant struct {
	// Name identifies the tenant.
	Name string `json:"name"`
	// VirtualCluster names the tenant's virtual cluster, or is empty.
	VirtualCluster string `json:"virtual_cluster,omitempty"`
	// Principal is the tenant's Kafka principal, such as "User:payments".
	Principal string `json:"principal"`
	// Prefixes maps each kind of name to the prefix the tenant owns.
	Prefixes map[NameKind]string `json:"prefixes"`
	// Budgets bound the tenant's topics; zero fields are unbounded.
	Budgets Budgets `json:"budgets"`
}

// Budgets bound what a tenant's topics may use. A zero field means no
// bound.
type Budgets struct {
	// MaxTopics bounds the number of topics under the tenant's prefix.
	MaxTopics int64 `json:"max_topics,omitempty"`
	// MaxPartitions bounds the partitions of those topics together.
	MaxPartitions int64 `json:"max_partitions,omitempty"`
	// MaxRetentionBytes bounds the sum over those topics of retention.bytes
	// times partitions: the log the tenant may keep before replication.
	MaxRetentionBytes int64 `json:"max_retention_bytes,omitempty"`
}

// Namespaces is every virtual cluster and tenant known, from the registry,
// whichever Terraform state created them, and from the plan being made.
type Namespaces struct {
	VirtualClusters map[string]VirtualCluster
	Tenants         map[string]Tenant
	// Order ranks the claims, keyed by ClaimKey: a registered object by
	// the registry offset of its first record, a planned one after every
	// registered claim in the order the plan proposed them. Where two
	// claims conflict, the earlier wins. An object without an entry ranks
	// last.
	Order map[string]int64
}

// The kinds of object that claim names.
const (
	KindVirtualCluster = "virtual_cluster"
	KindTenant         = "tenant"
)

// PlannedOrder is the rank of the first claim a plan proposes; every
// registered claim ranks before it.
const PlannedOrder int64 = 1 << 62

// ClaimKey identifies an object's claim: its kind, a slash and its name,
// as the registry keys its record.
func ClaimKey(kind, name string) string { return kind + "/" + name }

// NewNamespaces returns empty namespaces.
func NewNamespaces() Namespaces {
	return Namespaces{VirtualClusters: map[string]VirtualCluster{}, Tenants: map[string]Tenant{}, Order: map[string]int64{}}
}

// rank returns the named object's rank, last when it has none.
func (n Namespaces) rank(kind, name string) int64 {
	if o, ok := n.Order[ClaimKey(kind, name)]; ok {
		return o
	}
	return 1<<63 - 1
}

// Registered reports whether the named object's claim is in the registry,
// as opposed to only proposed by the plan being made, or unknown.
func (n Namespaces) Registered(kind, name string) bool {
	o, ok := n.Order[ClaimKey(kind, name)]
	return ok && o < PlannedOrder
}

// Without returns the namespaces minus one object, so that an object is
// not checked against its own earlier record.
func (n Namespaces) Without(kind, name string) Namespaces {
	return n.filter(func(k, nm string) bool { return k != kind || nm != name })
}

// Before returns the namespaces whose claims rank before the named
// object's: those that win over it in a conflict. The object itself is
// left out; an object with no rank is preceded by every claim.
func (n Namespaces) Before(kind, name string) Namespaces {
	self := n.rank(kind, name)
	return n.filter(func(k, nm string) bool {
		return (k != kind || nm != name) && n.rank(k, nm) < self
	})
}

// After returns the namespaces whose claims rank after the named object's:
// those that intrude on it if they conflict.
func (n Namespaces) After(kind, name string) Namespaces {
	self := n.rank(kind, name)
	return n.filter(func(k, nm string) bool {
		return (k != kind || nm != name) && n.rank(k, nm) > self
	})
}

func (n Namespaces) filter(keep func(kind, name string) bool) Namespaces {
	out := NewNamespaces()
	for name, vc := range n.VirtualClusters {
		if keep(KindVirtualCluster, name) {
			out.VirtualClusters[name] = vc
		}
	}
	for name, t := range n.Tenants {
		if keep(KindTenant, name) {
			out.Tenants[name] = t
		}
	}
	for k, o := range n.Order {
		out.Order[k] = o
	}
	return out
}

// With returns the namespaces with planned's objects added, each replacing
// a registered object of the same name. A replaced object keeps its
// registered rank, since updating an object does not move its claim; a new
// one takes its planned rank.
func (n Namespaces) With(planned Namespaces) Namespaces {
	out := n.filter(func(string, string) bool { return true })
	add := func(kind, name string) {
		key := ClaimKey(kind, name)
		if _, registered := n.Order[key]; !registered {
			if o, ok := planned.Order[key]; ok {
				out.Order[key] = o
			}
		}
	}
	for name, vc := range planned.VirtualClusters {
		out.VirtualClusters[name] = vc
		add(KindVirtualCluster, name)
	}
	for name, t := range planned.Tenants {
		out.Tenants[name] = t
		add(KindTenant, name)
	}
	return out
}

// Rule identifies which namespace rule a Violation breaks.
type Rule int

// The namespace rules.
const (
	// RuleEmptyPrefix: a prefix must not be empty, or it owns every name.
	RuleEmptyPrefix Rule = iota + 1
	// RuleInternalPrefix: a prefix must not cover internal names (those
	// starting with '_') or the registry topic.
	RuleInternalPrefix
	// RulePrefixOverlap: prefixes of different owners must not overlap.
	RulePrefixOverlap
	// RuleOutsideVirtualCluster: a tenant's prefixes lie inside its
	// virtual cluster's prefix.
	RuleOutsideVirtualCluster
	// RulePrincipalTaken: two tenants cannot share a principal.
	RulePrincipalTaken
	// RuleUnknownVirtualCluster: a tenant's virtual cluster must exist.
	RuleUnknownVirtualCluster
	// RuleSharedTopicInside: a shared topic lies outside the virtual
	// cluster's own prefix (inside, its tenants own it already).
	RuleSharedTopicInside
	// RuleSharedTopicInternal: internal topics cannot be shared.
	RuleSharedTopicInternal
)

// Violation is one broken rule, with the facts a message needs.
type Violation struct {
	// Rule is the rule broken.
	Rule Rule
	// Kind is the kind of name concerned, where one is.
	Kind NameKind
	// Value is the offending value of the object being checked.
	Value string
	// Other describes the conflicting object, such as `tenant "payments"`.
	Other string
	// OtherValue is the conflicting object's value, such as its prefix.
	OtherValue string
	// OtherKind and OtherName identify the conflicting object, when the
	// violation is a conflict with one: KindVirtualCluster or KindTenant,
	// and its name.
	OtherKind, OtherName string
}

// Overlaps reports whether two prefixes can match the same name, that is,
// whether either is a prefix of the other. "team-a." and "team-ab." do not
// overlap; "team-a" and "team-ab." do.
func Overlaps(a, b string) bool {
	return strings.HasPrefix(a, b) || strings.HasPrefix(b, a)
}

// Within reports whether every name under prefix also lies under root.
func Within(prefix, root string) bool { return strings.HasPrefix(prefix, root) }

// IsInternal reports whether a topic name is internal to Kafka or to
// kafkatenant: names starting with '_' (which includes "__").
func IsInternal(name string) bool { return strings.HasPrefix(name, "_") }

// CheckVirtualCluster checks vc against every other namespace. The
// registry topic's name is needed because no prefix may cover it.
func (n Namespaces) CheckVirtualCluster(vc VirtualCluster, registryTopic string) []Violation {
	var out []Violation
	out = append(out, checkPrefixShape(vc.Prefix, "", registryTopic)...)
	reported := map[string]bool{}
	for _, other := range sortedVirtualClusters(n.VirtualClusters) {
		if other.Name != vc.Name && Overlaps(vc.Prefix, other.Prefix) {
			reported[other.Name] = true
			out = append(out, Violation{Rule: RulePrefixOverlap, Value: vc.Prefix,
				Other: fmt.Sprintf("virtual cluster %q", other.Name), OtherValue: other.Prefix, OtherKind: KindVirtualCluster, OtherName: other.Name})
		}
	}
	// A tenant of an overlapping virtual cluster is covered by the
	// violation above; report the others once each, at their first
	// overlapping prefix.
	for _, t := range sortedTenants(n.Tenants) {
		if t.VirtualCluster == vc.Name || reported[t.VirtualCluster] {
			continue
		}
		for _, kind := range NameKinds {
			if p := t.Prefixes[kind]; Overlaps(vc.Prefix, p) {
				out = append(out, Violation{Rule: RulePrefixOverlap, Kind: kind, Value: vc.Prefix,
					Other: fmt.Sprintf("tenant %q", t.Name), OtherValue: p, OtherKind: KindTenant, OtherName: t.Name})
				break
			}
		}
	}
	for _, topic := range vc.SharedTopics {
		switch {
		case IsInternal(topic) || topic == registryTopic:
			out = append(out, Violation{Rule: RuleSharedTopicInternal, Kind: TopicNames, Value: topic})
		case strings.HasPrefix(topic, vc.Prefix):
			out = append(out, Violation{Rule: RuleSharedTopicInside, Kind: TopicNames, Value: topic, OtherValue: vc.Prefix})
		}
	}
	return out
}

// CheckTenant checks t against every other namespace. When t names a
// virtual cluster that is not known, only the rules that do not need it
// are checked, and RuleUnknownVirtualCluster is reported if requireVC is
// set (at apply, when the virtual cluster must exist).
func (n Namespaces) CheckTenant(t Tenant, registryTopic string, requireVC bool) []Violation {
	var out []Violation
	vc, hasVC := n.VirtualClusters[t.VirtualCluster]
	if t.VirtualCluster != "" && !hasVC && requireVC {
		out = append(out, Violation{Rule: RuleUnknownVirtualCluster, Value: t.VirtualCluster})
	}
	for _, kind := range NameKinds {
		p := t.Prefixes[kind]
		out = append(out, withKind(checkPrefixShape(p, kind, registryTopic), kind)...)
		if hasVC && !Within(p, vc.Prefix) {
			out = append(out, Violation{Rule: RuleOutsideVirtualCluster, Kind: kind, Value: p,
				Other: fmt.Sprintf("virtual cluster %q", vc.Name), OtherValue: vc.Prefix})
		}
		for _, other := range sortedVirtualClusters(n.VirtualClusters) {
			if other.Name != t.VirtualCluster && Overlaps(p, other.Prefix) {
				out = append(out, Violation{Rule: RulePrefixOverlap, Kind: kind, Value: p,
					Other: fmt.Sprintf("virtual cluster %q", other.Name), OtherValue: other.Prefix, OtherKind: KindVirtualCluster, OtherName: other.Name})
			}
		}
		for _, other := range sortedTenants(n.Tenants) {
			if other.Name == t.Name {
				continue
			}
			if op := other.Prefixes[kind]; Overlaps(p, op) {
				out = append(out, Violation{Rule: RulePrefixOverlap, Kind: kind, Value: p,
					Other: fmt.Sprintf("tenant %q", other.Name), OtherValue: op, OtherKind: KindTenant, OtherName: other.Name})
			}
		}
	}
	for _, other := range sortedTenants(n.Tenants) {
		if other.Name != t.Name && other.Principal == t.Principal {
			out = append(out, Violation{Rule: RulePrincipalTaken, Value: t.Principal, Other: fmt.Sprintf("tenant %q", other.Name), OtherKind: KindTenant, OtherName: other.Name})
		}
	}
	return out
}

func checkPrefixShape(prefix string, kind NameKind, registryTopic string) []Violation {
	switch {
	case prefix == "":
		return []Violation{{Rule: RuleEmptyPrefix, Kind: kind}}
	case IsInternal(prefix):
		return []Violation{{Rule: RuleInternalPrefix, Kind: kind, Value: prefix, OtherValue: "_"}}
	case (kind == "" || kind == TopicNames) && strings.HasPrefix(registryTopic, prefix):
		return []Violation{{Rule: RuleInternalPrefix, Kind: kind, Value: prefix, OtherValue: registryTopic}}
	}
	return nil
}

func withKind(vs []Violation, kind NameKind) []Violation {
	for i := range vs {
		vs[i].Kind = kind
	}
	return vs
}

// TenantOwning returns the tenant whose topic (or group, or transactional
// id) prefix covers name, if any.
func (n Namespaces) TenantOwning(kind NameKind, name string) (Tenant, bool) {
	return n.Owners(kind)(name)
}

// Owners returns TenantOwning for many names: it sorts the tenants once,
// where each call of TenantOwning sorts them again.
func (n Namespaces) Owners(kind NameKind) func(name string) (Tenant, bool) {
	tenants := sortedTenants(n.Tenants)
	return func(name string) (Tenant, bool) {
		for _, t := range tenants {
			if p := t.Prefixes[kind]; p != "" && strings.HasPrefix(name, p) {
				return t, true
			}
		}
		return Tenant{}, false
	}
}

// TenantsOverlapping returns the tenants whose prefix of kind shares names
// with a prefixed pattern, or contains a literal name.
func (n Namespaces) TenantsOverlapping(kind NameKind, name string, prefixed bool) []Tenant {
	var out []Tenant
	for _, t := range sortedTenants(n.Tenants) {
		p := t.Prefixes[kind]
		if p == "" {
			continue
		}
		if (prefixed && Overlaps(name, p)) || (!prefixed && strings.HasPrefix(name, p)) {
			out = append(out, t)
		}
	}
	return out
}

// TenantByPrincipal returns the tenant with the given principal.
func (n Namespaces) TenantByPrincipal(principal string) (Tenant, bool) {
	for _, t := range sortedTenants(n.Tenants) {
		if t.Principal == principal {
			return t, true
		}
	}
	return Tenant{}, false
}

// TenantsOf returns the tenants of a virtual cluster, sorted by name.
func (n Namespaces) TenantsOf(vc string) []Tenant {
	var out []Tenant
	for _, t := range sortedTenants(n.Tenants) {
		if t.VirtualCluster == vc {
			out = append(out, t)
		}
	}
	return out
}

// SuggestTopicName returns the name a topic called name should have inside
// prefix: the name with any other tenant-like prefix removed, placed under
// prefix. It keeps the part after the last '.' of a dotted name, which is
// the local name by kafkatenant's convention.
func SuggestTopicName(prefix, name string) string {
	local := name
	if i := strings.LastIndex(name, "."); i >= 0 && i < len(name)-1 {
		local = name[i+1:]
	}
	return prefix + local
}

// DefaultPrefix is the prefix a tenant owns when none is given: its virtual
// cluster's prefix (if any) followed by its name and a '.'.
func DefaultPrefix(vcPrefix, tenant string) string { return vcPrefix + tenant + "." }

// DefaultPrincipal is the principal of a tenant when none is given:
// "User:" followed by the virtual cluster's name and a '.', if any, then
// the tenant's name.
func DefaultPrincipal(vc, tenant string) string {
	if vc == "" {
		return "User:" + tenant
	}
	return "User:" + vc + "." + tenant
}

func sortedVirtualClusters(m map[string]VirtualCluster) []VirtualCluster {
	out := make([]VirtualCluster, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func sortedTenants(m map[string]Tenant) []Tenant {
	out := make([]Tenant, 0, len(m))
	for _, t := range m {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Equal reports whether two envelopes, either of which may be nil, are the
// same.
func (e *Envelope) Equal(o *Envelope) bool {
	if e == nil || o == nil {
		return e == o
	}
	return *e == *o
}

// InternalTopic says why a topic is internal to Kafka, to a platform
// component or to kafkatenant, and so must never be managed as a tenant's
// or platform's topic, or returns "" for an ordinary topic. registryTopic
// is the provider's registry topic.
func InternalTopic(name, registryTopic string) string {
	switch {
	case name == registryTopic:
		return "is kafkatenant's registry topic, where every workspace keeps its virtual clusters and tenants"
	case strings.HasPrefix(name, "__"):
		return "is internal to Kafka (names starting with \"__\", such as __consumer_offsets and __transaction_state)"
	case strings.HasPrefix(name, "_kafkatenant"):
		return "is named like a kafkatenant registry topic (\"_kafkatenant…\"), which another provider configuration may use"
	case strings.HasPrefix(name, "_schemas"):
		return "is Schema Registry's internal topic"
	case strings.HasPrefix(name, "_confluent"):
		return "is internal to Confluent Platform (names starting with \"_confluent\")"
	}
	return ""
}
