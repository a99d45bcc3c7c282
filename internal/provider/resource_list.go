package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/validators"
)

// List resources (`terraform query`, Terraform 1.14+) find what a cluster
// already holds, to adopt it: each lists the objects one resource type can
// manage, as identities and, when asked, as the state an import would
// give. They read the process's snapshot of the cluster and the registry,
// a fixed number of batched requests however many objects there are, and
// share the filters below.

// Filter attribute names.
const (
	filterPrefix         = "prefix"
	filterTenant         = "tenant"
	filterVirtualCluster = "virtual_cluster"
)

// listFilter is a list block's configuration; an empty field does not
// filter.
type listFilter struct {
	Prefix         string
	Tenant         string
	VirtualCluster string
}

// listFilterAttributes returns the schema attributes of the filters a list
// resource takes: prefix, described by prefixDesc, and the tenant and
// virtual cluster filters when their descriptions are given.
func listFilterAttributes(prefixDesc, tenantDesc, virtualClusterDesc string) map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		filterPrefix: schema.StringAttribute{
			MarkdownDescription: prefixDesc + " Default: no filter.",
			Optional:            true,
		},
	}
	if tenantDesc != "" {
		attrs[filterTenant] = schema.StringAttribute{
			MarkdownDescription: tenantDesc + " The tenant must be registered. Default: no filter.",
			Optional:            true,
			Validators:          []validator.String{validators.ObjectName()},
		}
	}
	if virtualClusterDesc != "" {
		attrs[filterVirtualCluster] = schema.StringAttribute{
			MarkdownDescription: virtualClusterDesc + " The virtual cluster must be registered. Default: no filter.",
			Optional:            true,
			Validators:          []validator.String{validators.ObjectName()},
		}
	}
	return attrs
}

// listItem is one object found: its display name, its identity and, built
// only when Terraform asks for it, its state.
type listItem struct {
	display  string
	identity any
	state    func() (any, diag.Diagnostics)
}

// lister is what every list resource shares: the provider data, and the
// run of a List call.
type lister struct {
	data *providerData
}

func (l *lister) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// listInputs is what a list resource reads: the snapshot, the registry as
// it holds it, and the filter, with its tenant and virtual cluster looked
// up.
type listInputs struct {
	filter         listFilter
	snap           *kafka.Snapshot
	ns             tenancy.Namespaces
	tenant         *tenancy.Tenant
	virtualCluster *tenancy.VirtualCluster
}

// run answers a List call with the items find returns, in its order,
// stopping at the request's limit. A failure is one result carrying the
// error, as the protocol has it.
func (l *lister) run(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream, kind string,
	find func(ctx context.Context, in listInputs) ([]listItem, diag.Diagnostics)) {
	ctx, end := l.data.begin(ctx)
	defer end()
	in, diags := l.inputs(ctx, req, kind)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	items, found := find(ctx, in)
	diags.Append(found...)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	if req.Limit > 0 && int64(len(items)) > req.Limit {
		items = items[:req.Limit]
	}
	results := make([]list.ListResult, 0, len(items)+1)
	if len(diags) > 0 {
		// Warnings, such as unreadable registry records, travel alone.
		results = append(results, list.ListResult{Diagnostics: diags})
	}
	for _, it := range items {
		r := req.NewListResult(ctx)
		r.DisplayName = it.display
		r.Diagnostics.Append(r.Identity.Set(ctx, it.identity)...)
		if req.IncludeResource {
			state, d := it.state()
			r.Diagnostics.Append(d...)
			if !d.HasError() && state != nil {
				r.Diagnostics.Append(r.Resource.Set(ctx, state)...)
			}
		}
		results = append(results, r)
	}
	stream.Results = slices.Values(results)
}

// inputs reads the filter from the list block and the cluster from the
// snapshot.
func (l *lister) inputs(ctx context.Context, req list.ListRequest, kind string) (listInputs, diag.Diagnostics) {
	var (
		in    listInputs
		diags diag.Diagnostics
	)
	for name, dst := range map[string]*string{filterPrefix: &in.filter.Prefix, filterTenant: &in.filter.Tenant, filterVirtualCluster: &in.filter.VirtualCluster} {
		if _, err := req.Config.Schema.AttributeAtPath(ctx, path.Root(name)); err != nil {
			continue
		}
		var v types.String
		diags.Append(req.Config.GetAttribute(ctx, path.Root(name), &v)...)
		*dst = v.ValueString()
	}
	if diags.HasError() {
		return in, diags
	}
	if !l.data.canReachCluster() {
		listNeedsCluster(&diags, kind)
		return in, diags
	}
	var err error
	if in.snap, err = l.data.snapshot(ctx); err != nil {
		l.data.clusterError(&diags, "list the "+kind+" on the cluster", err)
		return in, diags
	}
	view, err := l.data.registryView(ctx, false)
	if err != nil {
		l.data.clusterError(&diags, "read the registry", err)
		return in, diags
	}
	l.data.warnSkippedRecords(view, &diags)
	in.ns = view.ns
	if name := in.filter.Tenant; name != "" {
		t, ok := in.ns.Tenants[name]
		if !ok {
			listFilterUnknown(&diags, filterTenant, "tenant", name, l.data.client.RegistryTopic())
			return in, diags
		}
		in.tenant = &t
	}
	if name := in.filter.VirtualCluster; name != "" {
		vc, ok := in.ns.VirtualClusters[name]
		if !ok {
			listFilterUnknown(&diags, filterVirtualCluster, "virtual cluster", name, l.data.client.RegistryTopic())
			return in, diags
		}
		in.virtualCluster = &vc
	}
	return in, diags
}

// principalPasses reports whether a principal passes the filter's tenant
// (it is that tenant's) and virtual cluster (it is one of its tenants').
func (in listInputs) principalPasses(principal string) bool {
	if in.tenant == nil && in.virtualCluster == nil {
		return true
	}
	t, ok := in.ns.TenantByPrincipal(principal)
	return ok && (in.tenant == nil || t.Name == in.tenant.Name) && (in.virtualCluster == nil || t.VirtualCluster == in.virtualCluster.Name)
}
