package tenancy

import (
	"testing"
)

func tenant(name, vc, principal, prefix string) Tenant {
	return Tenant{Name: name, VirtualCluster: vc, Principal: principal, Prefixes: map[NameKind]string{
		TopicNames: prefix, GroupNames: prefix, TransactionalIDNames: prefix,
	}}
}

func TestOverlaps(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"team-a.", "team-ab.", false},
		{"team-a", "team-ab.", true},
		{"team-a.", "team-a.", true},
		{"team-a.", "team-a.orders.", true},
		{"london.", "paris.", false},
		{"", "anything", true},
	}
	for _, c := range cases {
		if got := Overlaps(c.a, c.b); got != c.want {
			t.Errorf("Overlaps(%q, %q) = %t, want %t", c.a, c.b, got, c.want)
		}
		if got := Overlaps(c.b, c.a); got != c.want {
			t.Errorf("Overlaps(%q, %q) = %t, want %t (symmetry)", c.b, c.a, got, c.want)
		}
	}
}

func TestCheckVirtualCluster(t *testing.T) {
	ns := Namespaces{
		VirtualClusters: map[string]VirtualCluster{"london": {Name: "london", Prefix: "london."}},
		Tenants: map[string]Tenant{
			"solo":     tenant("solo", "", "User:solo", "solo."),
			"payments": tenant("payments", "london", "User:london.payments", "london.payments."),
		},
	}
	cases := []struct {
		name  string
		vc    VirtualCluster
		rules []Rule
		other string
	}{
		{"disjoint", VirtualCluster{Name: "paris", Prefix: "paris."}, nil, ""},
		{"itself on update", VirtualCluster{Name: "london", Prefix: "london."}, nil, ""},
		{"covers another virtual cluster", VirtualCluster{Name: "lon", Prefix: "lon"}, []Rule{RulePrefixOverlap}, `virtual cluster "london"`},
		{"covers a standalone tenant", VirtualCluster{Name: "s", Prefix: "sol"}, []Rule{RulePrefixOverlap}, `tenant "solo"`},
		{"empty prefix", VirtualCluster{Name: "all", Prefix: ""}, []Rule{RuleEmptyPrefix, RulePrefixOverlap, RulePrefixOverlap}, `tenant "solo"`},
		{"internal prefix", VirtualCluster{Name: "x", Prefix: "__x."}, []Rule{RuleInternalPrefix}, ""},
		{"covers the registry", VirtualCluster{Name: "k", Prefix: "kafkat"}, []Rule{RuleInternalPrefix}, ""},
		{"shares an internal topic", VirtualCluster{Name: "p", Prefix: "p.", SharedTopics: []string{"__consumer_offsets"}}, []Rule{RuleSharedTopicInternal}, ""},
		{"shares its own topic", VirtualCluster{Name: "p", Prefix: "p.", SharedTopics: []string{"p.orders"}}, []Rule{RuleSharedTopicInside}, ""},
		{"shares an outside topic", VirtualCluster{Name: "p", Prefix: "p.", SharedTopics: []string{"fx-rates"}}, nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ns.CheckVirtualCluster(c.vc, "kafkatenant-registry")
			if len(got) != len(c.rules) {
				t.Fatalf("got %d violations %+v, want rules %v", len(got), got, c.rules)
			}
			for i, v := range got {
				if v.Rule != c.rules[i] {
					t.Errorf("violation %d is rule %d, want %d: %+v", i, v.Rule, c.rules[i], v)
				}
			}
			if c.other != "" && got[len(got)-1].Other != c.other {
				t.Errorf("last violation names %q, want %q", got[len(got)-1].Other, c.other)
			}
		})
	}
}

func TestCheckTenant(t *testing.T) {
	ns := Namespaces{
		VirtualClusters: map[string]VirtualCluster{
			"london": {Name: "london", Prefix: "london."},
			"paris":  {Name: "paris", Prefix: "paris."},
		},
		Tenants: map[string]Tenant{
			"payments": tenant("payments", "london", "User:london.payments", "london.payments."),
		},
	}
	cases := []struct {
		name      string
		t         Tenant
		requireVC bool
		rules     []Rule
	}{
		{"fits", tenant("risk", "london", "User:london.risk", "london.risk."), true, nil},
		{"update of itself", tenant("payments", "london", "User:london.payments", "london.payments."), true, nil},
		{"prefix covers a sibling", tenant("pay", "london", "User:london.pay", "london.pay"), true,
			[]Rule{RulePrefixOverlap, RulePrefixOverlap, RulePrefixOverlap}},
		{"outside its virtual cluster", tenant("risk", "london", "User:london.risk", "risk."), true,
			[]Rule{RuleOutsideVirtualCluster, RuleOutsideVirtualCluster, RuleOutsideVirtualCluster}},
		{"inside another virtual cluster", tenant("risk", "london", "User:london.risk", "paris.risk."), true,
			[]Rule{RuleOutsideVirtualCluster, RulePrefixOverlap, RuleOutsideVirtualCluster, RulePrefixOverlap, RuleOutsideVirtualCluster, RulePrefixOverlap}},
		{"standalone inside a virtual cluster", tenant("x", "", "User:x", "paris.x."), true,
			[]Rule{RulePrefixOverlap, RulePrefixOverlap, RulePrefixOverlap}},
		{"principal taken", tenant("risk", "london", "User:london.payments", "london.risk."), true, []Rule{RulePrincipalTaken}},
		{"unknown virtual cluster at apply", tenant("a", "tokyo", "User:a", "tokyo.a."), true, []Rule{RuleUnknownVirtualCluster}},
		{"unknown virtual cluster at plan", tenant("a", "tokyo", "User:a", "tokyo.a."), false, nil},
		{"internal prefix", tenant("a", "", "User:a", "_a."), true, []Rule{RuleInternalPrefix, RuleInternalPrefix, RuleInternalPrefix}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ns.CheckTenant(c.t, "_kafkatenant", c.requireVC)
			if len(got) != len(c.rules) {
				t.Fatalf("got %d violations %+v, want rules %v", len(got), got, c.rules)
			}
			for i, v := range got {
				if v.Rule != c.rules[i] {
					t.Errorf("violation %d is rule %d, want %d: %+v", i, v.Rule, c.rules[i], v)
				}
			}
		})
	}
}

func TestTenantLookups(t *testing.T) {
	ns := Namespaces{Tenants: map[string]Tenant{
		"a": tenant("a", "london", "User:a", "london.a."),
		"b": tenant("b", "london", "User:b", "london.b."),
		"c": tenant("c", "", "User:c", "c."),
	}}
	if got, ok := ns.TenantOwning(TopicNames, "london.b.orders"); !ok || got.Name != "b" {
		t.Errorf("TenantOwning(london.b.orders) = %q, %t; want b", got.Name, ok)
	}
	if _, ok := ns.TenantOwning(TopicNames, "london.z.orders"); ok {
		t.Error("TenantOwning(london.z.orders) found an owner")
	}
	if got := ns.TenantsOverlapping(TopicNames, "london.", true); len(got) != 2 {
		t.Errorf("prefixed london. overlaps %d tenants, want 2", len(got))
	}
	if got := ns.TenantsOverlapping(TopicNames, "london.", false); len(got) != 0 {
		t.Errorf("literal london. lies inside %d tenants, want 0", len(got))
	}
	if got, ok := ns.TenantByPrincipal("User:c"); !ok || got.Name != "c" {
		t.Errorf("TenantByPrincipal(User:c) = %q, %t", got.Name, ok)
	}
	if got := ns.TenantsOf("london"); len(got) != 2 || got[0].Name != "a" || got[1].Name != "b" {
		t.Errorf("TenantsOf(london) = %+v", got)
	}
}

func TestDefaultsAndSuggestion(t *testing.T) {
	if got := DefaultPrefix("london.", "payments"); got != "london.payments." {
		t.Errorf("DefaultPrefix = %q", got)
	}
	if got := DefaultPrincipal("london", "payments"); got != "User:london.payments" {
		t.Errorf("DefaultPrincipal = %q", got)
	}
	if got := DefaultPrincipal("", "payments"); got != "User:payments" {
		t.Errorf("DefaultPrincipal without virtual cluster = %q", got)
	}
	if got := SuggestTopicName("london.payments.", "paris.orders.events"); got != "london.payments.events" {
		t.Errorf("SuggestTopicName = %q", got)
	}
	if got := SuggestTopicName("london.payments.", "events"); got != "london.payments.events" {
		t.Errorf("SuggestTopicName(events) = %q", got)
	}
}
