package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// fakeServer answers the schema calls with fixed responses.
type fakeServer struct {
	schema *tfprotov6.GetProviderSchemaResponse
	ids    *tfprotov6.GetResourceIdentitySchemasResponse
}

func (f fakeServer) GetProviderSchema(context.Context, *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return f.schema, nil
}

func (f fakeServer) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	if f.ids == nil {
		return &tfprotov6.GetResourceIdentitySchemasResponse{}, nil
	}
	return f.ids, nil
}

// smallSchema has one of each construct the conversion handles.
func smallSchema() *tfprotov6.GetProviderSchemaResponse {
	md := tfprotov6.StringKindMarkdown
	return &tfprotov6.GetProviderSchemaResponse{
		Provider: &tfprotov6.Schema{Block: &tfprotov6.SchemaBlock{
			Description:     "The provider.",
			DescriptionKind: md,
			Attributes: []*tfprotov6.SchemaAttribute{
				{Name: "password", Type: tftypes.String, Optional: true, Sensitive: true},
			},
		}},
		ResourceSchemas: map[string]*tfprotov6.Schema{
			"x_thing": {Version: 2, Block: &tfprotov6.SchemaBlock{
				Attributes: []*tfprotov6.SchemaAttribute{
					{Name: "id", Type: tftypes.String, Computed: true, Description: "The `id`.", DescriptionKind: md},
					{Name: "labels", Type: tftypes.Map{ElementType: tftypes.String}, Optional: true, Deprecated: true},
					{Name: "secret_wo", Type: tftypes.String, Optional: true, WriteOnly: true},
					{Name: "settings", Optional: true, NestedType: &tfprotov6.SchemaObject{
						Nesting: tfprotov6.SchemaObjectNestingModeSingle,
						Attributes: []*tfprotov6.SchemaAttribute{
							{Name: "ports", Type: tftypes.List{ElementType: tftypes.Number}, Required: true},
						},
					}},
				},
				BlockTypes: []*tfprotov6.SchemaNestedBlock{
					{TypeName: "rule", Nesting: tfprotov6.SchemaNestedBlockNestingModeSet, MaxItems: 3, Block: &tfprotov6.SchemaBlock{
						Attributes: []*tfprotov6.SchemaAttribute{
							{Name: "match", Type: tftypes.Object{AttributeTypes: map[string]tftypes.Type{"host": tftypes.String}}, Required: true},
						},
					}},
				},
			}},
		},
		DataSourceSchemas: map[string]*tfprotov6.Schema{
			"x_view": {Block: &tfprotov6.SchemaBlock{Attributes: []*tfprotov6.SchemaAttribute{
				{Name: "options", Type: tftypes.Object{
					AttributeTypes:     map[string]tftypes.Type{"depth": tftypes.Number, "mode": tftypes.String},
					OptionalAttributes: map[string]struct{}{"depth": {}},
				}, Optional: true},
				{Name: "pair", Type: tftypes.Tuple{ElementTypes: []tftypes.Type{tftypes.String, tftypes.Bool}}, Computed: true},
				{Name: "tags", Type: tftypes.Set{ElementType: tftypes.String}, Computed: true},
				{Name: "value", Type: tftypes.DynamicPseudoType, Computed: true},
			}}},
		},
		Functions: map[string]*tfprotov6.Function{
			"join_name": {
				Summary:     "Joins a name.",
				Description: "Joins `prefix` and `name`.",
				Parameters: []*tfprotov6.FunctionParameter{
					{Name: "prefix", Type: tftypes.String, Description: "The prefix.", AllowNullValue: true},
				},
				VariadicParameter: &tfprotov6.FunctionParameter{Name: "parts", Type: tftypes.String},
				Return:            &tfprotov6.FunctionReturn{Type: tftypes.String},
			},
		},
	}
}

// wantSmallSchema is what `terraform providers schema -json` prints for
// smallSchema.
const wantSmallSchema = `{
  "format_version": "1.0",
  "provider_schemas": {
    "example.com/x/x": {
      "provider": {"version": 0, "block": {
        "attributes": {"password": {"type": "string", "description_kind": "plain", "optional": true, "sensitive": true}},
        "description": "The provider.", "description_kind": "markdown"}},
      "resource_schemas": {"x_thing": {"version": 2, "block": {
        "attributes": {
          "id": {"type": "string", "description": "The ` + "`id`" + `.", "description_kind": "markdown", "computed": true},
          "labels": {"type": ["map", "string"], "description_kind": "plain", "deprecated": true, "optional": true},
          "secret_wo": {"type": "string", "description_kind": "plain", "optional": true, "write_only": true},
          "settings": {"nested_type": {"attributes": {"ports": {"type": ["list", "number"], "description_kind": "plain", "required": true}},
            "nesting_mode": "single"}, "description_kind": "plain", "optional": true}
        },
        "block_types": {"rule": {"nesting_mode": "set", "max_items": 3, "block": {
          "attributes": {"match": {"type": ["object", {"host": "string"}], "description_kind": "plain", "required": true}},
          "description_kind": "plain"}}},
        "description_kind": "plain"}}},
      "data_source_schemas": {"x_view": {"version": 0, "block": {
        "attributes": {
          "options": {"type": ["object", {"depth": "number", "mode": "string"}, ["depth"]], "description_kind": "plain", "optional": true},
          "pair": {"type": ["tuple", ["string", "bool"]], "description_kind": "plain", "computed": true},
          "tags": {"type": ["set", "string"], "description_kind": "plain", "computed": true},
          "value": {"type": "dynamic", "description_kind": "plain", "computed": true}
        },
        "description_kind": "plain"}}},
      "functions": {"join_name": {
        "description": "Joins ` + "`prefix`" + ` and ` + "`name`" + `.", "summary": "Joins a name.", "return_type": "string",
        "parameters": [{"name": "prefix", "description": "The prefix.", "is_nullable": true, "type": "string"}],
        "variadic_parameter": {"name": "parts", "type": "string"}}}
    }
  }
}`

func TestExportSchemas_smallSchema(t *testing.T) {
	got, err := exportSchemas(context.Background(), fakeServer{schema: smallSchema()}, "example.com/x/x")
	if err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, got, wantSmallSchema)
}

func TestExportSchemas_identity(t *testing.T) {
	ids := &tfprotov6.GetResourceIdentitySchemasResponse{IdentitySchemas: map[string]*tfprotov6.ResourceIdentitySchema{
		"x_thing": {Version: 1, IdentityAttributes: []*tfprotov6.ResourceIdentitySchemaAttribute{
			{Name: "name", Type: tftypes.String, RequiredForImport: true, Description: "The name."},
		}},
	}}
	got, err := exportSchemas(context.Background(), fakeServer{schema: &tfprotov6.GetProviderSchemaResponse{}, ids: ids}, "example.com/x/x")
	if err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, got, `{"format_version": "1.0", "provider_schemas": {"example.com/x/x": {
		"resource_identity_schemas": {"x_thing": {"version": 1, "attributes": {
			"name": {"type": "string", "description": "The name.", "required_for_import": true}}}}}}}`)
}

func TestExportSchemas_errorDiagnostics(t *testing.T) {
	resp := &tfprotov6.GetProviderSchemaResponse{Diagnostics: []*tfprotov6.Diagnostic{
		{Severity: tfprotov6.DiagnosticSeverityWarning, Summary: "ignored"},
		{Severity: tfprotov6.DiagnosticSeverityError, Summary: "Duplicate Resource Type Defined", Detail: "x_thing twice"},
	}}
	_, err := exportSchemas(context.Background(), fakeServer{schema: resp}, "example.com/x/x")
	if err == nil || !strings.Contains(err.Error(), "Duplicate Resource Type Defined: x_thing twice") {
		t.Fatalf("want the error diagnostic, got %v", err)
	}
	if strings.Contains(err.Error(), "ignored") {
		t.Errorf("a warning became an error: %v", err)
	}
}

func TestExportSchemas_invalidNesting(t *testing.T) {
	resp := &tfprotov6.GetProviderSchemaResponse{ResourceSchemas: map[string]*tfprotov6.Schema{
		"x_bad": {Block: &tfprotov6.SchemaBlock{BlockTypes: []*tfprotov6.SchemaNestedBlock{{TypeName: "b"}}}},
	}}
	_, err := exportSchemas(context.Background(), fakeServer{schema: resp}, "example.com/x/x")
	if err == nil || !strings.Contains(err.Error(), "x_bad: block b: unknown block nesting mode invalid") {
		t.Fatalf("want an invalid nesting error naming the block, got %v", err)
	}
}

// TestRun_providerSchema exports the real provider, which must at least
// describe its provider block and kafkatenant_topic.
func TestRun_providerSchema(t *testing.T) {
	out := t.TempDir() + "/schema.json"
	if err := run(context.Background(), out, providerSource); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		FormatVersion string `json:"format_version"`
		Schemas       map[string]struct {
			Provider  json.RawMessage            `json:"provider"`
			Resources map[string]json.RawMessage `json:"resource_schemas"`
		} `json:"provider_schemas"`
	}
	readJSON(t, out, &doc)
	ps, ok := doc.Schemas[providerSource]
	if doc.FormatVersion != formatVersion || !ok {
		t.Fatalf("want format %s with key %s, got %q and %v", formatVersion, providerSource, doc.FormatVersion, doc.Schemas)
	}
	if len(ps.Provider) == 0 || ps.Resources["kafkatenant_topic"] == nil {
		t.Errorf("want the provider block and kafkatenant_topic, got resources %v", ps.Resources)
	}
}
