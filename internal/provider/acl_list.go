package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

var (
	_ list.ListResource              = (*aclListResource)(nil)
	_ list.ListResourceWithConfigure = (*aclListResource)(nil)
)

// NewACLList returns the kafkatenant_acl list resource.
func NewACLList() list.ListResource { return &aclListResource{} }

// aclListResource lists the ACL bindings kafkatenant_acl can manage: every binding
// but those the tenants hold, which kafkatenant_tenant manages.
type aclListResource struct {
	lister
}

func (l *aclListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_acl"
}

func (l *aclListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the cluster's ACL bindings that `kafkatenant_acl` can manage, to import them: every binding but those a registered tenant holds " +
			"(its namespace and shared-topic grants, which `kafkatenant_tenant` manages). A result's resource is what an import gives, with " +
			"`cross_tenant = false`: a binding that crosses tenant namespaces plans an update to `true` after import. Filters combine: a binding must pass each one set.",
		Attributes: listFilterAttributes("Only bindings whose resource name (topic, group, transactional id or prefix) starts with this string.",
			"Only the bindings of this tenant's principal beyond those the tenant holds.",
			"Only the bindings of the principals of this virtual cluster's tenants."),
	}
}

func (l *aclListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	l.run(ctx, req, stream, "ACL bindings", func(_ context.Context, in listInputs) ([]listItem, diag.Diagnostics) {
		held := map[kafka.ACL]bool{}
		idempotent := !in.snap.IdempotentWriteByTopic()
		for _, t := range in.ns.Tenants {
			for _, b := range tenantACLs(t, in.ns.VirtualClusters[t.VirtualCluster].SharedTopics, idempotent) {
				held[b] = true
			}
		}
		var (
			items []listItem
			diags diag.Diagnostics
		)
		// Sorted already.
		for _, live := range in.snap.ACLs("") {
			b, err := live.Canonical()
			if err != nil {
				// A binding the cluster holds in a form Kafka's own enums do
				// not name cannot be managed; say so and go on.
				diags.AddWarning("ACL Binding Not Listed", live.String()+": "+err.Error())
				continue
			}
			if held[b] || !strings.HasPrefix(b.ResourceName, in.filter.Prefix) || !in.principalPasses(b.Principal) {
				continue
			}
			items = append(items, listItem{
				display:  b.String(),
				identity: aclIdentityOf(b),
				state:    func() (any, diag.Diagnostics) { return importedACL(b), nil },
			})
		}
		return items, diags
	})
}
