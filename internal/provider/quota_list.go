package provider

import (
	"context"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

var (
	_ list.ListResource              = (*quotaListResource)(nil)
	_ list.ListResourceWithConfigure = (*quotaListResource)(nil)
)

// NewQuotaList returns the kafkatenant_quota list resource.
func NewQuotaList() list.ListResource { return &quotaListResource{} }

// quotaListResource lists the client quotas on the cluster, one per entity.
type quotaListResource struct {
	lister
}

func (l *quotaListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_quota"
}

func (l *quotaListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the client quotas on the cluster, one per entity, to import them. A result's resource is what an import gives: " +
			"the entity, its values per broker (`scope = \"broker\"`), and the tenant whose principal it applies to. Filters combine: a quota must pass each one set.",
		Attributes: listFilterAttributes("Only quotas whose entity, in Kafka's notation (`user=london.payments,client-id=batch`), starts with this string, such as `user=london.`.",
			"Only the quotas of this tenant's principal, its client-id carve-outs included.",
			"Only the quotas of the principals of this virtual cluster's tenants."),
	}
}

func (l *quotaListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	l.run(ctx, req, stream, "quotas", func(_ context.Context, in listInputs) ([]listItem, diag.Diagnostics) {
		var items []listItem
		for _, q := range in.snap.Quotas() {
			e := tenancyQuota(q).Entity
			if !strings.HasPrefix(e.String(), in.filter.Prefix) || !quotaOfPrincipal(in, e) {
				continue
			}
			values := q.Values
			items = append(items, listItem{
				display:  e.String(),
				identity: quotaIdentityOf(e),
				state: func() (any, diag.Diagnostics) {
					// As Read makes it after an import.
					m := importedQuota(e)
					m.PerBroker = floatMapValue(values)
					m.setValues(values)
					m.Tenant = tenantOf(in.ns, e)
					return m, nil
				},
			})
		}
		sort.Slice(items, func(i, j int) bool { return items[i].display < items[j].display })
		return items, nil
	})
}

// quotaOfPrincipal reports whether the entity's user passes the filter's
// tenant and virtual cluster.
func quotaOfPrincipal(in listInputs, e tenancy.Entity) bool {
	if in.tenant == nil && in.virtualCluster == nil {
		return true
	}
	user, ok := e.Component(tenancy.EntityUser)
	return ok && !user.Default && in.principalPasses("User:"+user.Name)
}
