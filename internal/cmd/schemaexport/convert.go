package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"
)

// formatVersion is the version of the `terraform providers schema -json`
// format that Terraform 1.x prints.
const formatVersion = "1.0"

// schemaSource is the part of a protocol 6 provider server that describes
// its schemas.
type schemaSource interface {
	GetProviderSchema(context.Context, *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error)
	GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error)
}

// exportSchemas asks server for its schemas and converts them to the
// document Terraform prints, with the provider under source.
func exportSchemas(ctx context.Context, server schemaSource, source string) (*tfjson.ProviderSchemas, error) {
	resp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, fmt.Errorf("GetProviderSchema: %w", err)
	}
	if err := diagnosticsError("GetProviderSchema", resp.Diagnostics); err != nil {
		return nil, err
	}
	ids, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return nil, fmt.Errorf("GetResourceIdentitySchemas: %w", err)
	}
	if err := diagnosticsError("GetResourceIdentitySchemas", ids.Diagnostics); err != nil {
		return nil, err
	}
	ps, err := convertProviderSchema(resp, ids)
	if err != nil {
		return nil, err
	}
	return &tfjson.ProviderSchemas{
		FormatVersion: formatVersion,
		Schemas:       map[string]*tfjson.ProviderSchema{source: ps},
	}, nil
}

// diagnosticsError joins the error diagnostics of a call; warnings do not
// stop an export.
func diagnosticsError(call string, diags []*tfprotov6.Diagnostic) error {
	var errs []error
	for _, d := range diags {
		if d != nil && d.Severity == tfprotov6.DiagnosticSeverityError {
			errs = append(errs, fmt.Errorf("%s: %s: %s", call, d.Summary, d.Detail))
		}
	}
	return errors.Join(errs...)
}

func convertProviderSchema(resp *tfprotov6.GetProviderSchemaResponse, ids *tfprotov6.GetResourceIdentitySchemasResponse) (*tfjson.ProviderSchema, error) {
	var (
		ps  tfjson.ProviderSchema
		err error
	)
	if ps.ConfigSchema, err = convertSchema(resp.Provider); err != nil {
		return nil, fmt.Errorf("provider: %w", err)
	}
	if ps.ResourceSchemas, err = convertSchemas(resp.ResourceSchemas); err != nil {
		return nil, err
	}
	if ps.DataSourceSchemas, err = convertSchemas(resp.DataSourceSchemas); err != nil {
		return nil, err
	}
	if ps.EphemeralResourceSchemas, err = convertSchemas(resp.EphemeralResourceSchemas); err != nil {
		return nil, err
	}
	if ps.ListResourceSchemas, err = convertSchemas(resp.ListResourceSchemas); err != nil {
		return nil, err
	}
	for name, a := range resp.ActionSchemas {
		s, err := convertSchema(a.Schema)
		if err != nil {
			return nil, fmt.Errorf("action %s: %w", name, err)
		}
		if ps.ActionSchemas == nil {
			ps.ActionSchemas = map[string]*tfjson.ActionSchema{}
		}
		ps.ActionSchemas[name] = &tfjson.ActionSchema{Block: s.Block}
	}
	for name, f := range resp.Functions {
		sig, err := convertFunction(f)
		if err != nil {
			return nil, fmt.Errorf("function %s: %w", name, err)
		}
		if ps.Functions == nil {
			ps.Functions = map[string]*tfjson.FunctionSignature{}
		}
		ps.Functions[name] = sig
	}
	for name, id := range ids.IdentitySchemas {
		s, err := convertIdentity(id)
		if err != nil {
			return nil, fmt.Errorf("identity of %s: %w", name, err)
		}
		if ps.ResourceIdentitySchemas == nil {
			ps.ResourceIdentitySchemas = map[string]*tfjson.IdentitySchema{}
		}
		ps.ResourceIdentitySchemas[name] = s
	}
	return &ps, nil
}

// convertSchemas converts a map of schemas, returning nil for none so that
// the key is left out of the document, as Terraform does.
func convertSchemas(in map[string]*tfprotov6.Schema) (map[string]*tfjson.Schema, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make(map[string]*tfjson.Schema, len(in))
	for name, s := range in {
		c, err := convertSchema(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = c
	}
	return out, nil
}

func convertSchema(s *tfprotov6.Schema) (*tfjson.Schema, error) {
	if s == nil {
		return nil, nil
	}
	if s.Version < 0 {
		return nil, fmt.Errorf("negative schema version %d", s.Version)
	}
	b, err := convertBlock(s.Block)
	if err != nil {
		return nil, err
	}
	return &tfjson.Schema{Version: uint64(s.Version), Block: b}, nil
}

func convertBlock(b *tfprotov6.SchemaBlock) (*tfjson.SchemaBlock, error) {
	// Terraform prints an empty block for a schema without one.
	out := &tfjson.SchemaBlock{DescriptionKind: tfjson.SchemaDescriptionKindPlain}
	if b == nil {
		return out, nil
	}
	out.Description = b.Description
	out.DescriptionKind = descriptionKind(b.DescriptionKind)
	out.Deprecated = b.Deprecated
	if len(b.Attributes) > 0 {
		attrs, err := convertAttributes(b.Attributes)
		if err != nil {
			return nil, err
		}
		out.Attributes = attrs
	}
	for _, nb := range b.BlockTypes {
		if nb == nil {
			continue
		}
		mode, err := blockNesting(nb.Nesting)
		if err != nil {
			return nil, fmt.Errorf("block %s: %w", nb.TypeName, err)
		}
		inner, err := convertBlock(nb.Block)
		if err != nil {
			return nil, fmt.Errorf("block %s: %w", nb.TypeName, err)
		}
		if nb.MinItems < 0 || nb.MaxItems < 0 {
			return nil, fmt.Errorf("block %s: negative item limits", nb.TypeName)
		}
		if out.NestedBlocks == nil {
			out.NestedBlocks = map[string]*tfjson.SchemaBlockType{}
		}
		out.NestedBlocks[nb.TypeName] = &tfjson.SchemaBlockType{
			NestingMode: mode,
			Block:       inner,
			MinItems:    uint64(nb.MinItems),
			MaxItems:    uint64(nb.MaxItems),
		}
	}
	return out, nil
}

func convertAttributes(in []*tfprotov6.SchemaAttribute) (map[string]*tfjson.SchemaAttribute, error) {
	out := make(map[string]*tfjson.SchemaAttribute, len(in))
	for _, a := range in {
		if a == nil {
			continue
		}
		c := &tfjson.SchemaAttribute{
			Description:     a.Description,
			DescriptionKind: descriptionKind(a.DescriptionKind),
			Deprecated:      a.Deprecated,
			Required:        a.Required,
			Optional:        a.Optional,
			Computed:        a.Computed,
			Sensitive:       a.Sensitive,
			WriteOnly:       a.WriteOnly,
		}
		if a.NestedType != nil {
			mode, err := objectNesting(a.NestedType.Nesting)
			if err != nil {
				return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
			}
			attrs, err := convertAttributes(a.NestedType.Attributes)
			if err != nil {
				return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
			}
			c.AttributeNestedType = &tfjson.SchemaNestedAttributeType{Attributes: attrs, NestingMode: mode}
		} else {
			t, err := ctyType(a.Type)
			if err != nil {
				return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
			}
			c.AttributeType = t
		}
		out[a.Name] = c
	}
	return out, nil
}

func convertFunction(f *tfprotov6.Function) (*tfjson.FunctionSignature, error) {
	if f.Return == nil {
		return nil, errors.New("no return type")
	}
	ret, err := ctyType(f.Return.Type)
	if err != nil {
		return nil, fmt.Errorf("return type: %w", err)
	}
	sig := &tfjson.FunctionSignature{
		Description:        f.Description,
		Summary:            f.Summary,
		DeprecationMessage: f.DeprecationMessage,
		ReturnType:         ret,
	}
	for _, p := range f.Parameters {
		c, err := convertParameter(p)
		if err != nil {
			return nil, err
		}
		sig.Parameters = append(sig.Parameters, c)
	}
	if f.VariadicParameter != nil {
		if sig.VariadicParameter, err = convertParameter(f.VariadicParameter); err != nil {
			return nil, err
		}
	}
	return sig, nil
}

func convertParameter(p *tfprotov6.FunctionParameter) (*tfjson.FunctionParameter, error) {
	t, err := ctyType(p.Type)
	if err != nil {
		return nil, fmt.Errorf("parameter %s: %w", p.Name, err)
	}
	return &tfjson.FunctionParameter{
		Name:        p.Name,
		Description: p.Description,
		IsNullable:  p.AllowNullValue,
		Type:        t,
	}, nil
}

func convertIdentity(id *tfprotov6.ResourceIdentitySchema) (*tfjson.IdentitySchema, error) {
	if id.Version < 0 {
		return nil, fmt.Errorf("negative identity version %d", id.Version)
	}
	out := &tfjson.IdentitySchema{Version: uint64(id.Version), Attributes: map[string]*tfjson.IdentityAttribute{}}
	for _, a := range id.IdentityAttributes {
		t, err := ctyType(a.Type)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
		}
		out.Attributes[a.Name] = &tfjson.IdentityAttribute{
			IdentityType:      t,
			Description:       a.Description,
			RequiredForImport: a.RequiredForImport,
			OptionalForImport: a.OptionalForImport,
		}
	}
	return out, nil
}

// ctyType converts a protocol type to the cty type Terraform prints.
func ctyType(t tftypes.Type) (cty.Type, error) {
	switch {
	case t == nil:
		return cty.NilType, errors.New("no type")
	case t.Is(tftypes.String):
		return cty.String, nil
	case t.Is(tftypes.Number):
		return cty.Number, nil
	case t.Is(tftypes.Bool):
		return cty.Bool, nil
	case t.Is(tftypes.DynamicPseudoType):
		return cty.DynamicPseudoType, nil
	}
	switch t := t.(type) {
	case tftypes.List:
		e, err := ctyType(t.ElementType)
		return cty.List(e), err
	case tftypes.Set:
		e, err := ctyType(t.ElementType)
		return cty.Set(e), err
	case tftypes.Map:
		e, err := ctyType(t.ElementType)
		return cty.Map(e), err
	case tftypes.Tuple:
		elems := make([]cty.Type, len(t.ElementTypes))
		for i, et := range t.ElementTypes {
			e, err := ctyType(et)
			if err != nil {
				return cty.NilType, err
			}
			elems[i] = e
		}
		return cty.Tuple(elems), nil
	case tftypes.Object:
		attrs := make(map[string]cty.Type, len(t.AttributeTypes))
		for name, at := range t.AttributeTypes {
			a, err := ctyType(at)
			if err != nil {
				return cty.NilType, fmt.Errorf("object attribute %s: %w", name, err)
			}
			attrs[name] = a
		}
		if len(t.OptionalAttributes) == 0 {
			return cty.Object(attrs), nil
		}
		optional := make([]string, 0, len(t.OptionalAttributes))
		for name := range t.OptionalAttributes {
			optional = append(optional, name)
		}
		return cty.ObjectWithOptionalAttrs(attrs, optional), nil
	}
	return cty.NilType, fmt.Errorf("unsupported type %s", t)
}

func descriptionKind(k tfprotov6.StringKind) tfjson.SchemaDescriptionKind {
	if k == tfprotov6.StringKindMarkdown {
		return tfjson.SchemaDescriptionKindMarkdown
	}
	return tfjson.SchemaDescriptionKindPlain
}

func blockNesting(m tfprotov6.SchemaNestedBlockNestingMode) (tfjson.SchemaNestingMode, error) {
	switch m {
	case tfprotov6.SchemaNestedBlockNestingModeSingle:
		return tfjson.SchemaNestingModeSingle, nil
	case tfprotov6.SchemaNestedBlockNestingModeGroup:
		return tfjson.SchemaNestingModeGroup, nil
	case tfprotov6.SchemaNestedBlockNestingModeList:
		return tfjson.SchemaNestingModeList, nil
	case tfprotov6.SchemaNestedBlockNestingModeSet:
		return tfjson.SchemaNestingModeSet, nil
	case tfprotov6.SchemaNestedBlockNestingModeMap:
		return tfjson.SchemaNestingModeMap, nil
	}
	return "", fmt.Errorf("unknown block nesting mode %s", strings.ToLower(m.String()))
}

func objectNesting(m tfprotov6.SchemaObjectNestingMode) (tfjson.SchemaNestingMode, error) {
	switch m {
	case tfprotov6.SchemaObjectNestingModeSingle:
		return tfjson.SchemaNestingModeSingle, nil
	case tfprotov6.SchemaObjectNestingModeList:
		return tfjson.SchemaNestingModeList, nil
	case tfprotov6.SchemaObjectNestingModeSet:
		return tfjson.SchemaNestingModeSet, nil
	case tfprotov6.SchemaObjectNestingModeMap:
		return tfjson.SchemaNestingModeMap, nil
	}
	return "", fmt.Errorf("unknown attribute nesting mode %s", strings.ToLower(m.String()))
}
