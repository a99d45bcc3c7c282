package provider

import (
	"context"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// importByIdentityOffline imports typeName by identity through the
// provider server, without a cluster, and returns the imported state's
// attributes and the diagnostics.
func importByIdentityOffline(t *testing.T, typeName string, identity map[string]tftypes.Value) (map[string]tftypes.Value, []*tfprotov6.Diagnostic) {
	t.Helper()
	ctx := context.Background()
	server := providerserver.NewProtocol6(New("test")())()
	ids, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	typ := ids.IdentitySchemas[typeName].ValueType().(tftypes.Object)
	full := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		full[name] = tftypes.NewValue(at, nil)
		if v, ok := identity[name]; ok {
			full[name] = v
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, full))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: typeName, Identity: &tfprotov6.ResourceIdentityData{IdentityData: &dv}})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.ImportedResources) != 1 {
		return nil, resp.Diagnostics
	}
	state, err := resp.ImportedResources[0].State.Unmarshal(schemas.ResourceSchemas[typeName].ValueType())
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := state.As(&attrs); err != nil {
		t.Fatal(err)
	}
	return attrs, resp.Diagnostics
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

// Every resource has an identity schema, and an identity imports as the
// import ID it stands for would.
func TestImportByIdentity_setsWhatTheImportIDWould(t *testing.T) {
	ids, err := providerserver.NewProtocol6(New("test")())().GetResourceIdentitySchemas(context.Background(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for name := range ids.IdentitySchemas {
		names = append(names, name)
	}
	slices.Sort(names)
	if want := []string{"kafkatenant_acl", "kafkatenant_quota", "kafkatenant_tenant", "kafkatenant_topic", "kafkatenant_virtual_cluster"}; !slices.Equal(names, want) {
		t.Fatalf("resources with an identity = %v, want %v", names, want)
	}
	cases := []struct {
		typeName  string
		identity  map[string]tftypes.Value
		attribute string
		want      string
	}{
		{"kafkatenant_topic", map[string]tftypes.Value{"name": str("payments.orders")}, "id", "payments.orders"},
		{"kafkatenant_tenant", map[string]tftypes.Value{"name": str("payments")}, "name", "payments"},
		{"kafkatenant_virtual_cluster", map[string]tftypes.Value{"name": str("london")}, "id", "london"},
		{"kafkatenant_quota", map[string]tftypes.Value{"client_id": str("batch"), "user": str("<default>")}, "entity", "user=<default>,client-id=batch"},
		{"kafkatenant_acl", map[string]tftypes.Value{"resource_type": str("topic"), "resource_name": str("orders"), "principal": str("User:CN=app,OU=eu"),
			"operation": str("read")}, "id", "TOPIC|LITERAL|orders|User:CN=app,OU=eu|*|READ|ALLOW"},
	}
	for _, tc := range cases {
		attrs, diags := importByIdentityOffline(t, tc.typeName, tc.identity)
		for _, d := range diags {
			t.Fatalf("%s: %s: %s", tc.typeName, d.Summary, d.Detail)
		}
		var got string
		if err := attrs[tc.attribute].As(&got); err != nil || got != tc.want {
			t.Errorf("%s imported by identity: %s = %q (%v), want %q", tc.typeName, tc.attribute, got, err, tc.want)
		}
	}
}

// An identity that names nothing is refused with the way out, as a bad
// import ID is.
func TestImportByIdentity_refusesWhatNamesNothing(t *testing.T) {
	for _, tc := range []struct {
		typeName string
		identity map[string]tftypes.Value
		summary  string
	}{
		{"kafkatenant_quota", nil, "Invalid Import Identity"},
		{"kafkatenant_topic", map[string]tftypes.Value{"name": str("bad name!")}, "Invalid Import ID"},
		{"kafkatenant_acl", map[string]tftypes.Value{"resource_type": str("TABLE"), "resource_name": str("x"), "principal": str("User:a"), "operation": str("READ")}, "Invalid Import ID"},
	} {
		_, diags := importByIdentityOffline(t, tc.typeName, tc.identity)
		if len(diags) == 0 || diags[0].Severity != tfprotov6.DiagnosticSeverityError || diags[0].Summary != tc.summary {
			t.Errorf("%s imported by identity %v: diagnostics %+v, want the error %q", tc.typeName, tc.identity, diags, tc.summary)
		}
	}
}
