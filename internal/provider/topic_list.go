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

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

var (
	_ list.ListResource              = (*topicListResource)(nil)
	_ list.ListResourceWithConfigure = (*topicListResource)(nil)
)

// NewTopicList returns the kafkatenant_topic list resource.
func NewTopicList() list.ListResource { return &topicListResource{} }

// topicListResource lists the topics kafkatenant_topic can manage: every topic but
// Kafka's internal ones and the registry.
type topicListResource struct {
	lister
}

func (l *topicListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_topic"
}

func (l *topicListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the cluster's topics that `kafkatenant_topic` can manage (every topic but Kafka's internal ones and the registry topic), " +
			"to import them. A result's resource is what an import gives: every config set on the topic, and the tenant whose prefix holds it. " +
			"Filters combine: a topic must pass each one set.",
		Attributes: listFilterAttributes("Only topics whose names start with this string.",
			"Only topics inside this tenant's topic prefix.",
			"Only topics inside this virtual cluster's prefix."),
	}
}

func (l *topicListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	l.run(ctx, req, stream, "topics", func(ctx context.Context, in listInputs) ([]listItem, diag.Diagnostics) {
		var names []string
		for name := range in.snap.TopicPartitions() {
			if tenancy.InternalTopic(name, l.data.client.RegistryTopic()) != "" || !strings.HasPrefix(name, in.filter.Prefix) {
				continue
			}
			if in.tenant != nil && !strings.HasPrefix(name, in.tenant.Prefixes[tenancy.TopicNames]) {
				continue
			}
			if in.virtualCluster != nil && !strings.HasPrefix(name, in.virtualCluster.Prefix) {
				continue
			}
			names = append(names, name)
		}
		sort.Strings(names)
		items := make([]listItem, len(names))
		for i, name := range names {
			items[i] = listItem{
				display:  name,
				identity: namedIdentityModel{Name: types.StringValue(name)},
				state: func() (any, diag.Diagnostics) {
					var diags diag.Diagnostics
					d, found, err := in.snap.Topic(ctx, name)
					if err != nil {
						l.data.clusterError(&diags, "read topic "+name, err)
						return nil, diags
					}
					if !found {
						removedOutsideTerraform(&diags, "Topic", name)
						return nil, diags
					}
					// As Read makes it after an import.
					m := topicState(ctx, d, types.MapNull(types.StringType), true)
					m.Tenant = owningTenant(in.ns, name)
					return m, diags
				},
			}
		}
		return items, nil
	})
}
