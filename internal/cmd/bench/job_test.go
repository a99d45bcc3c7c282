package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// countResources parses a generated main.tf, evaluates its locals and each
// resource block's for_each with the functions Terraform gives them, and
// returns how many instances each resource block declares.
func countResources(t *testing.T, config string) map[string]int {
	t.Helper()
	file, diags := hclsyntax.ParseConfig([]byte(config), "main.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("the configuration does not parse: %s\n%s", diags, config)
	}
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{},
		Functions: map[string]function.Function{
			"format": stdlib.FormatFunc,
			"keys":   stdlib.KeysFunc,
			"merge":  stdlib.MergeFunc,
			"range":  stdlib.RangeFunc,
			"toset":  stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		},
	}
	body := file.Body.(*hclsyntax.Body)
	locals := map[string]cty.Value{}
	for _, block := range body.Blocks {
		if block.Type != "locals" {
			continue
		}
		// In the order written: each local refers only to earlier ones.
		attrs := make([]*hclsyntax.Attribute, 0, len(block.Body.Attributes))
		for _, a := range block.Body.Attributes {
			attrs = append(attrs, a)
		}
		slices.SortFunc(attrs, func(a, b *hclsyntax.Attribute) int { return a.SrcRange.Start.Byte - b.SrcRange.Start.Byte })
		for _, a := range attrs {
			v, diags := a.Expr.Value(ctx)
			if diags.HasErrors() {
				t.Fatalf("local.%s: %s", a.Name, diags)
			}
			locals[a.Name] = v
			ctx.Variables["local"] = cty.ObjectVal(locals)
		}
	}
	counts := map[string]int{}
	for _, block := range body.Blocks {
		if block.Type != "resource" {
			continue
		}
		address := strings.Join(block.Labels, ".")
		forEach, ok := block.Body.Attributes["for_each"]
		if !ok {
			counts[address] = 1
			continue
		}
		v, diags := forEach.Expr.Value(ctx)
		if diags.HasErrors() {
			t.Fatalf("%s for_each: %s", address, diags)
		}
		counts[address] = v.LengthInt()
	}
	return counts
}

func sum(counts map[string]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// Both workdirs of every workload declare the resource count the table
// divides by, and the job's resources are those of the issue: 10 virtual
// clusters, and per tenant a tenant, a quota and 4 topics.
func TestConfigs_declareTheirResourceCount(t *testing.T) {
	for _, tc := range []struct {
		w    workload
		size int
		want map[string]int
	}{
		{topicsWorkload, 7, map[string]int{"kafkatenant_topic.bench": 7}},
		{jobWorkload, 25, map[string]int{
			"kafkatenant_virtual_cluster.bench": 10,
			"kafkatenant_tenant.bench":          25,
			"kafkatenant_quota.bench":           25,
			"kafkatenant_topic.bench":           100,
		}},
	} {
		provider := countResources(t, tc.w.provider(tc.size))
		if fmt.Sprint(provider) != fmt.Sprint(tc.want) {
			t.Errorf("%s workload at %d: provider workdir declares %v, want %v", tc.w.name, tc.size, provider, tc.want)
		}
		floor := countResources(t, tc.w.floor(tc.size))
		if got, want := sum(floor), tc.w.resources(tc.size); got != want || sum(provider) != want {
			t.Errorf("%s workload at %d: provider workdir declares %d resources and floor %d (%v), the table divides by %d",
				tc.w.name, tc.size, sum(provider), got, floor, want)
		}
	}
	if got := jobResources(500); got != 3010 {
		t.Errorf("jobResources(500) = %d, want 10 + 6×500 = 3010", got)
	}
}

// The job's provider workdir declares what the issue asks to measure: the
// capacity in the provider block, credentials with a write-only password,
// and topic names built inside the tenant's prefix.
func TestJobProviderConfig_measuresTheChecks(t *testing.T) {
	config := jobProviderConfig(100)
	for _, want := range []string{
		"capacity = {\n    disk_write_bytes_per_second  = 600000000",
		"partitions_per_broker        = 2000",
		"password_wo         = var.tenant_password",
		"ephemeral = true",
		"provider::kafkatenant::topic_name(kafkatenant_tenant.bench[each.value.tenant].topic_prefix, each.value.topic)",
		"tenant             = kafkatenant_tenant.bench[each.value.tenant].name",
		"producer_byte_rate = 1600000\n  consumer_byte_rate = 6800000\n  request_percentage = 8.75\n",
	} {
		if !strings.Contains(config, want) {
			t.Errorf("the job's provider config lacks %q:\n%s", want, config)
		}
	}
}

// Every tenant's quota fits its virtual cluster's envelope, the envelopes
// fit the declared capacity, and the topics fit both partition limits, by
// the provider's own rules, whatever the tenant count: a job that does not
// fit would measure refusals, not onboarding.
func TestSizeJob_fits(t *testing.T) {
	const brokers = 3 // the embedded cluster's
	for _, tenants := range []int{1, 7, 10, 11, 100, 500, 2000} {
		s := sizeJob(tenants)
		c := s.capacity
		c.BrokerCount = brokers
		if err := c.Validate(); err != nil {
			t.Fatalf("T=%d: declared capacity invalid: %v", tenants, err)
		}
		var envelopes []tenancy.NamedEnvelope
		for i := range jobVirtualClusters {
			envelopes = append(envelopes, tenancy.NamedEnvelope{VirtualCluster: fmt.Sprintf(vcNameFormat, i), Envelope: s.envelope})
		}
		if v := tenancy.CheckEnvelopes(c, envelopes, nil).Violations(); len(v) > 0 {
			t.Errorf("T=%d: envelopes exceed the declared capacity: %v", tenants, v)
		}

		// The fullest virtual cluster is the first: tenants are dealt
		// round-robin.
		var users []string
		var quotas []tenancy.Quota
		for i := 0; i < tenants; i += jobVirtualClusters {
			user := fmt.Sprintf(vcNameFormat, 0) + "." + fmt.Sprintf(tenantNameFormat, i)
			users = append(users, user)
			quotas = append(quotas, tenancy.Quota{
				Entity: tenancy.Entity{tenancy.User(user)},
				Values: map[tenancy.QuotaKey]float64{tenancy.ProducerByteRate: s.producer, tenancy.ConsumerByteRate: s.consumer, tenancy.RequestPercentage: s.request},
			})
		}
		if s.producer < 1 || s.consumer < 1 || s.request <= 0 {
			t.Errorf("T=%d: quota %v/%v/%v must be positive", tenants, s.producer, s.consumer, s.request)
		}
		if v := tenancy.CheckEnvelope(fmt.Sprintf(vcNameFormat, 0), s.envelope, users, quotas, nil).Violations(); len(v) > 0 {
			t.Errorf("T=%d: the fullest virtual cluster's %d quotas exceed its envelope: %v", tenants, len(users), v)
		}
		// Not only within the rules' tolerance: the provider also compares
		// the sum with the envelope exactly when it plans a virtual cluster.
		held := tenancy.Envelope{}
		for range users {
			held.ProducerByteRate += s.producer
			held.ConsumerByteRate += s.consumer
			held.RequestPercentage += s.request
		}
		if held.ProducerByteRate > s.envelope.ProducerByteRate || held.ConsumerByteRate > s.envelope.ConsumerByteRate ||
			held.RequestPercentage > s.envelope.RequestPercentage {
			t.Errorf("T=%d: the fullest virtual cluster's quotas add up to %+v, over its envelope %+v", tenants, held, s.envelope)
		}

		// Each tenant's topics: one partition each at replication factor 3.
		replicasPerTenant := len(jobTopics) * 3
		if _, err := tenancy.CheckEnvelopePartitions("vc", s.envelope, brokers, 0, len(users)*replicasPerTenant); err != nil {
			t.Errorf("T=%d: the fullest virtual cluster's topics exceed its partitions envelope: %v", tenants, err)
		}
		if _, err := tenancy.CheckPartitions(c, 0, tenants*replicasPerTenant+3); err != nil {
			t.Errorf("T=%d: the topics and the registry exceed partitions_per_broker: %v", tenants, err)
		}
	}
}

func TestDiffInventories(t *testing.T) {
	want := jobInventory(12, true)
	if d := diffInventories(want, jobInventory(12, true)); d != "" {
		t.Errorf("an inventory differs from itself:\n%s", d)
	}
	for kind, n := range map[string]int{kindTopic: 48, kindSCRAMUser: 12, kindACLPrincipal: 12, kindQuota: 12, kindVirtualClusterRecord: 10, kindTenantRecord: 12} {
		if got := len(want[kind]); got != n {
			t.Errorf("jobInventory(12) holds %d %ss, want %d", got, kind, n)
		}
	}
	if !want[kindTopic]["ktbench-vc1.ktbench-t00011.audit"] || !want[kindSCRAMUser]["ktbench-vc1.ktbench-t00011"] {
		t.Errorf("tenant 11 should live in virtual cluster 1 with the provider's default prefix; topics: %v", setMinus(want[kindTopic], nil)[:4])
	}

	got := jobInventory(12, true)
	delete(got[kindTopic], "ktbench-vc0.ktbench-t00000.orders")
	got.add(kindQuota, "user=ktbench-vc0.ktbench-t00000 producer_byte_rate=1")
	got.add(kindTopic, "ktbench-stray")
	d := diffInventories(want, got)
	for _, line := range []string{
		"topics: 48, want 48; missing ktbench-vc0.ktbench-t00000.orders; unexpected ktbench-stray",
		"quotas: 13, want 12; unexpected user=ktbench-vc0.ktbench-t00000 producer_byte_rate=1",
	} {
		if !strings.Contains(d, line) {
			t.Errorf("diff lacks %q:\n%s", line, d)
		}
	}
	if d := diffInventories(jobInventory(12, false), want); !strings.Contains(d, "registry tenants: 12, want 0; unexpected ktbench-t00000, ktbench-t00001, ktbench-t00002 and 9 more") {
		t.Errorf("what remains after destroy is not reported with examples:\n%s", d)
	}
	if len(jobInventory(12, false)) != 0 || len(topicsInventory(5, false)) != 0 {
		t.Errorf("a destroyed workload must leave nothing")
	}
}
