package provider

import (
	"context"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ list.ListResource              = (*tenantListResource)(nil)
	_ list.ListResourceWithConfigure = (*tenantListResource)(nil)
)

// NewTenantList returns the kafkatenant_tenant list resource.
func NewTenantList() list.ListResource { return &tenantListResource{} }

// tenantListResource lists the tenants the registry holds.
type tenantListResource struct {
	lister
}

func (l *tenantListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tenant"
}

func (l *tenantListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the tenants registered in the provider's registry topic, by any workspace, to import them. " +
			"A result's resource is what an import gives: the registered prefixes, principal and budgets, the SCRAM credential the cluster holds " +
			"(its password version unknown, so the first plan after import sets the password again), and the bindings it holds. " +
			"Filters combine: a tenant must pass each one set.",
		Attributes: listFilterAttributes("Only tenants whose names start with this string.", "",
			"Only the tenants of this virtual cluster."),
	}
}

func (l *tenantListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	l.run(ctx, req, stream, "tenants", func(_ context.Context, in listInputs) ([]listItem, diag.Diagnostics) {
		var names []string
		for name, t := range in.ns.Tenants {
			if strings.HasPrefix(name, in.filter.Prefix) && (in.virtualCluster == nil || t.VirtualCluster == in.virtualCluster.Name) {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		r := &tenantResource{data: l.data}
		items := make([]listItem, len(names))
		for i, name := range names {
			t := in.ns.Tenants[name]
			items[i] = listItem{
				display:  name,
				identity: namedIdentityModel{Name: types.StringValue(name)},
				state: func() (any, diag.Diagnostics) {
					// As Read makes it after an import.
					return r.liveState(in.snap, t, in.ns.VirtualClusters[t.VirtualCluster], nil, true, types.BoolValue(false)), nil
				},
			}
		}
		return items, nil
	})
}
