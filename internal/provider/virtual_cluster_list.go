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
	_ list.ListResource              = (*virtualClusterListResource)(nil)
	_ list.ListResourceWithConfigure = (*virtualClusterListResource)(nil)
)

// NewVirtualClusterList returns the kafkatenant_virtual_cluster list
// resource.
func NewVirtualClusterList() list.ListResource { return &virtualClusterListResource{} }

// virtualClusterListResource lists the virtual clusters the registry holds.
type virtualClusterListResource struct {
	lister
}

func (l *virtualClusterListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_virtual_cluster"
}

func (l *virtualClusterListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the virtual clusters registered in the provider's registry topic, by any workspace, to import them. " +
			"A result's resource is what an import gives: the registered prefix, envelope, shared topics and bootstrap servers, " +
			"with the capacity allocated and free.",
		Attributes: listFilterAttributes("Only virtual clusters whose names start with this string.", "", ""),
	}
}

func (l *virtualClusterListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	l.run(ctx, req, stream, "virtual clusters", func(ctx context.Context, in listInputs) ([]listItem, diag.Diagnostics) {
		var names []string
		for name := range in.ns.VirtualClusters {
			if strings.HasPrefix(name, in.filter.Prefix) {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		r := &virtualClusterResource{data: l.data}
		items := make([]listItem, len(names))
		for i, name := range names {
			vc := in.ns.VirtualClusters[name]
			items[i] = listItem{
				display:  name,
				identity: namedIdentityModel{Name: types.StringValue(name)},
				state:    func() (any, diag.Diagnostics) { return r.state(ctx, vc), nil },
			}
		}
		return items, nil
	})
}
