package provider_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/provider"
)

// No CLI here runs `terraform query` (Terraform 1.14+), so these tests
// call the list resources as Terraform does, over the plugin protocol,
// against the suite's cluster: a fresh provider server per query, as each
// CLI command starts a fresh provider process.

// listServer is a configured provider server and its schemas.
type listServer struct {
	t       *testing.T
	server  tfprotov6.ProviderServerWithListResource //nolint:staticcheck // ProviderServer gains ListResource in a later terraform-plugin-go.
	schemas *tfprotov6.GetProviderSchemaResponse
	ids     map[string]*tfprotov6.ResourceIdentitySchema
}

// newListServer starts a provider server configured from the suite's
// KAFKATENANT_* variables, as `terraform query` would.
func newListServer(t *testing.T) *listServer {
	t.Helper()
	ctx := context.Background()
	srv, ok := providerserver.NewProtocol6(provider.New("test")())().(tfprotov6.ProviderServerWithListResource) //nolint:staticcheck // as above
	if !ok {
		t.Fatal("the provider server does not serve list resources")
	}
	schemas := configureFromEnv(t, srv)
	ids, err := srv.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return &listServer{t: t, server: srv, schemas: schemas, ids: ids.IdentitySchemas}
}

// configureFromEnv configures a provider server from the KAFKATENANT_*
// variables alone, as an empty provider block does, and returns its
// schemas.
func configureFromEnv(t *testing.T, srv tfprotov6.ProviderServer) *tfprotov6.GetProviderSchemaResponse {
	t.Helper()
	ctx := context.Background()
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	providerType := schemas.Provider.ValueType()
	config, err := tfprotov6.NewDynamicValue(providerType, tftypes.NewValue(providerType, nullAttributes(providerType)))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &config})
	if err != nil {
		t.Fatal(err)
	}
	failOnDiagnostics(t, "ConfigureProvider", resp.Diagnostics)
	return schemas
}

// nullAttributes returns every attribute of an object type, null.
func nullAttributes(typ tftypes.Type) map[string]tftypes.Value {
	obj := typ.(tftypes.Object)
	out := map[string]tftypes.Value{}
	for name, at := range obj.AttributeTypes {
		out[name] = tftypes.NewValue(at, nil)
	}
	return out
}

func failOnDiagnostics(t *testing.T, call string, diags []*tfprotov6.Diagnostic) {
	t.Helper()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("%s: %s: %s", call, d.Summary, d.Detail)
		}
	}
}

// listed is one list result, decoded.
type listed struct {
	display  string
	identity map[string]tftypes.Value
	resource tftypes.Value
	diags    []*tfprotov6.Diagnostic
}

// list runs a list block of typeName with the given filters (attribute to
// string) and returns its results.
func (s *listServer) list(typeName string, filters map[string]string, includeResource bool, limit int64) []listed {
	s.t.Helper()
	ctx := context.Background()
	schema, ok := s.schemas.ListResourceSchemas[typeName]
	if !ok {
		s.t.Fatalf("no list resource %s", typeName)
	}
	typ := schema.ValueType()
	attrs := nullAttributes(typ)
	for k, v := range filters {
		if _, ok := attrs[k]; !ok {
			s.t.Fatalf("list resource %s has no filter %s", typeName, k)
		}
		attrs[k] = tftypes.NewValue(tftypes.String, v)
	}
	config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		s.t.Fatal(err)
	}
	stream, err := s.server.ListResource(ctx, &tfprotov6.ListResourceRequest{TypeName: typeName, Config: &config, IncludeResource: includeResource, Limit: limit})
	if err != nil {
		s.t.Fatal(err)
	}
	var out []listed
	for r := range stream.Results {
		l := listed{display: r.DisplayName, diags: r.Diagnostics}
		if r.Identity != nil {
			v, err := r.Identity.IdentityData.Unmarshal(s.ids[typeName].ValueType())
			if err != nil {
				s.t.Fatal(err)
			}
			if err := v.As(&l.identity); err != nil {
				s.t.Fatal(err)
			}
		}
		if r.Resource != nil {
			if l.resource, err = r.Resource.Unmarshal(s.schemas.ResourceSchemas[typeName].ValueType()); err != nil {
				s.t.Fatal(err)
			}
		}
		out = append(out, l)
	}
	return out
}

// imported imports the object an identity names, then reads it, as an
// import block with that identity makes Terraform do, and returns the
// state.
func (s *listServer) imported(typeName string, identity map[string]tftypes.Value) tftypes.Value {
	s.t.Helper()
	ctx := context.Background()
	idType := s.ids[typeName].ValueType()
	id, err := tfprotov6.NewDynamicValue(idType, tftypes.NewValue(idType, identity))
	if err != nil {
		s.t.Fatal(err)
	}
	imp, err := s.server.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: typeName, Identity: &tfprotov6.ResourceIdentityData{IdentityData: &id}})
	if err != nil {
		s.t.Fatal(err)
	}
	failOnDiagnostics(s.t, "ImportResourceState "+typeName, imp.Diagnostics)
	if len(imp.ImportedResources) != 1 {
		s.t.Fatalf("ImportResourceState %s imported %d resources, want 1", typeName, len(imp.ImportedResources))
	}
	got := imp.ImportedResources[0]
	read, err := s.server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: typeName, CurrentState: got.State, CurrentIdentity: got.Identity, Private: got.Private})
	if err != nil {
		s.t.Fatal(err)
	}
	failOnDiagnostics(s.t, "ReadResource "+typeName, read.Diagnostics)
	v, err := read.NewState.Unmarshal(s.schemas.ResourceSchemas[typeName].ValueType())
	if err != nil {
		s.t.Fatal(err)
	}
	return v
}

// displays returns the results' display names, failing on any error.
func displays(t *testing.T, results []listed) []string {
	t.Helper()
	var out []string
	for _, r := range results {
		failOnDiagnostics(t, "ListResource", r.diags)
		out = append(out, r.display)
	}
	return out
}

// attribute returns a resource attribute as a Go string, or its Terraform
// rendering when it is not a string.
func attribute(t *testing.T, obj tftypes.Value, name string) string {
	t.Helper()
	var attrs map[string]tftypes.Value
	if err := obj.As(&attrs); err != nil {
		t.Fatal(err)
	}
	v := attrs[name]
	var s string
	if v.Type().Is(tftypes.String) && v.IsKnown() && !v.IsNull() {
		if err := v.As(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	return v.String()
}

// TestAccListResources_adoptWhatTheClusterHolds applies a virtual cluster
// with two tenants, their topics, quotas and a cross-tenant grant, then
// lists each type with each filter. Every listed result's resource is the
// state an import of its identity gives, so `terraform query
// -generate-config-out` adopts what it finds.
func TestAccListResources_adoptWhatTheClusterHolds(t *testing.T) {
	vc := acctest.Name("vc")
	a, b := acctest.Name("a"), acctest.Name("b")
	config := fmt.Sprintf(`
resource "kafkatenant_virtual_cluster" "test" {
  name = %[1]q
}

resource "kafkatenant_tenant" "a" {
  name            = %[2]q
  virtual_cluster = kafkatenant_virtual_cluster.test.name
}

resource "kafkatenant_tenant" "b" {
  name            = %[3]q
  virtual_cluster = kafkatenant_virtual_cluster.test.name
}

resource "kafkatenant_topic" "a_orders" {
  name       = "${kafkatenant_tenant.a.topic_prefix}orders"
  tenant     = kafkatenant_tenant.a.name
  partitions = 2
  config     = { "retention.ms" = "3600000" }
}

resource "kafkatenant_topic" "a_payments" {
  name       = "${kafkatenant_tenant.a.topic_prefix}payments"
  tenant     = kafkatenant_tenant.a.name
  partitions = 2
  config     = { "retention.ms" = "3600000" }
}

resource "kafkatenant_topic" "b" {
  name       = "${kafkatenant_tenant.b.topic_prefix}events"
  tenant     = kafkatenant_tenant.b.name
  partitions = 1
}

resource "kafkatenant_quota" "a" {
  tenant             = kafkatenant_tenant.a.name
  producer_byte_rate = 1000000
}

resource "kafkatenant_quota" "a_batch" {
  tenant             = kafkatenant_tenant.a.name
  client_id          = "batch"
  consumer_byte_rate = 2000000
}

resource "kafkatenant_acl" "b_reads_a" {
  principal     = kafkatenant_tenant.b.principal
  resource_type = "TOPIC"
  resource_name = kafkatenant_topic.a_orders.name
  operation     = "READ"
  cross_tenant  = true
}
`, vc, a, b)
	pa, pb := vc+"."+a+".", vc+"."+b+"."
	check := func(*terraform.State) error {
		s := newListServer(t)

		// Topics: by prefix, tenant and virtual cluster; sorted; with the
		// configs set on them and their tenant.
		if got, want := displays(t, s.list("kafkatenant_topic", map[string]string{"prefix": vc + "."}, false, 0)), []string{pa + "orders", pa + "payments", pb + "events"}; !slices.Equal(got, want) {
			return fmt.Errorf("topics with prefix %q = %v, want %v", vc+".", got, want)
		}
		if got, want := displays(t, s.list("kafkatenant_topic", map[string]string{"tenant": b}, false, 0)), []string{pb + "events"}; !slices.Equal(got, want) {
			return fmt.Errorf("topics of tenant %s = %v, want %v", b, got, want)
		}
		if got := displays(t, s.list("kafkatenant_topic", map[string]string{"virtual_cluster": vc}, false, 2)); len(got) != 2 {
			return fmt.Errorf("topics of %s with limit 2 = %v, want 2", vc, got)
		}
		topics := s.list("kafkatenant_topic", map[string]string{"tenant": a}, true, 0)
		for _, r := range topics {
			if attribute(t, r.resource, "tenant") != a || !strings.Contains(attribute(t, r.resource, "config"), "3600000") {
				return fmt.Errorf("listed topic %s = %s, want tenant %s and retention.ms 3600000", r.display, r.resource, a)
			}
		}

		// Tenants of the virtual cluster, with their prefixes.
		tenants := s.list("kafkatenant_tenant", map[string]string{"virtual_cluster": vc}, true, 0)
		if got, want := displays(t, tenants), []string{a, b}; !slices.Equal(got, want) {
			return fmt.Errorf("tenants of %s = %v, want %v", vc, got, want)
		}
		if got := attribute(t, tenants[0].resource, "topic_prefix"); got != pa {
			return fmt.Errorf("listed tenant %s topic_prefix = %q, want %q", a, got, pa)
		}
		vcs := s.list("kafkatenant_virtual_cluster", map[string]string{"prefix": vc}, true, 0)
		if got := displays(t, vcs); !slices.Equal(got, []string{vc}) {
			return fmt.Errorf("virtual clusters with prefix %s = %v", vc, got)
		}

		// Quotas of tenant a, its carve-out included; none of b.
		quotas := s.list("kafkatenant_quota", map[string]string{"tenant": a}, true, 0)
		if got, want := displays(t, quotas), []string{"user=" + vc + "." + a, "user=" + vc + "." + a + ",client-id=batch"}; !slices.Equal(got, want) {
			return fmt.Errorf("quotas of tenant %s = %v, want %v", a, got, want)
		}
		if got := displays(t, s.list("kafkatenant_quota", map[string]string{"tenant": b}, false, 0)); len(got) != 0 {
			return fmt.Errorf("quotas of tenant %s = %v, want none", b, got)
		}

		// ACLs of tenant b: the cross-tenant grant only, not the bindings
		// of its namespace, which the tenant resource manages.
		acls := s.list("kafkatenant_acl", map[string]string{"tenant": b}, true, 0)
		wantACL := kafka.ACL{Principal: "User:" + vc + "." + b, Host: "*", ResourceType: "TOPIC", ResourceName: pa + "orders", PatternType: "LITERAL", Operation: "READ", Permission: "ALLOW"}
		if got := displays(t, acls); !slices.Equal(got, []string{wantACL.String()}) {
			return fmt.Errorf("ACLs of tenant %s = %v, want only %s", b, got, wantACL)
		}

		// Each result's resource is what importing its identity gives.
		for typeName, results := range map[string][]listed{
			"kafkatenant_topic": topics, "kafkatenant_tenant": tenants, "kafkatenant_virtual_cluster": vcs,
			"kafkatenant_quota": quotas, "kafkatenant_acl": acls,
		} {
			for _, r := range results {
				if got := s.imported(typeName, r.identity); !got.Equal(r.resource) {
					return fmt.Errorf("%s %s: listed resource\n%s\ndiffers from the import of its identity\n%s", typeName, r.display, r.resource, got)
				}
			}
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, Check: check}},
	})
}

// A filter naming a tenant or virtual cluster that is not registered is an
// error naming the attribute, not an empty list; so is a query before the
// connection is configured.
func TestAccListResources_unknownFilter(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	acctest.PreCheck(t)
	s := newListServer(t)
	missing := acctest.Name("missing")
	for _, tc := range []struct{ typeName, filter, summary string }{
		{"kafkatenant_topic", "tenant", "Unknown Tenant in List Filter"},
		{"kafkatenant_quota", "virtual_cluster", "Unknown Virtual Cluster in List Filter"},
		{"kafkatenant_tenant", "virtual_cluster", "Unknown Virtual Cluster in List Filter"},
	} {
		results := s.list(tc.typeName, map[string]string{tc.filter: missing}, false, 0)
		if len(results) != 1 || len(results[0].diags) != 1 || results[0].diags[0].Summary != tc.summary ||
			!strings.Contains(results[0].diags[0].Detail, missing) {
			t.Errorf("%s with %s = %q: got %+v, want one error %q naming it", tc.typeName, tc.filter, missing, results, tc.summary)
		}
	}
}

// A query reads the cluster through the process's snapshot: listing every
// type, each object's resource included, sends a fixed number of requests
// of each kind, whatever the number of topics.
func TestAccListResources_batchedReads(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	c := acctest.OwnCluster(t)
	for k, v := range c.Env() {
		t.Setenv(k, v)
	}
	admin := acctest.AdminClient(t)
	const topics = 40
	for i := range topics {
		if _, err := admin.CreateTopic(context.Background(), kafka.TopicSpec{Name: fmt.Sprintf("%sbatch-%02d", acctest.NamePrefix, i), Partitions: 1, ReplicationFactor: 1,
			Configs: map[string]string{"retention.ms": "3600000"}}); err != nil {
			t.Fatal(err)
		}
	}
	requests := countRequests(c)
	s := newListServer(t)
	listedTopics := 0
	for _, typeName := range []string{"kafkatenant_topic", "kafkatenant_tenant", "kafkatenant_virtual_cluster", "kafkatenant_quota", "kafkatenant_acl"} {
		results := s.list(typeName, nil, true, 0)
		displays(t, results)
		if typeName == "kafkatenant_topic" {
			listedTopics = len(results)
		}
	}
	if listedTopics < topics {
		t.Fatalf("listed %d topics, want at least %d", listedTopics, topics)
	}
	counts := requests.take()
	t.Logf("requests: %v", counts)
	for kind, n := range counts {
		// Connections and the snapshot's batches: a handful each, far
		// below one per topic.
		if n >= topics/4 {
			t.Errorf("%d %s requests for %d topics: reads are not batched", n, kind, topics)
		}
	}
}
