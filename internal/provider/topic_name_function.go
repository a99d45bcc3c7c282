package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/validators"
)

var _ function.Function = (*topicNameFunction)(nil)

// NewTopicNameFunction returns the topic_name provider-defined function.
func NewTopicNameFunction() function.Function { return &topicNameFunction{} }

// topicNameFunction composes a namespaced topic name.
type topicNameFunction struct{}

func (f *topicNameFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "topic_name"
}

func (f *topicNameFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Compose a topic name inside a tenant's namespace.",
		MarkdownDescription: "Returns `prefix` followed by `name`, checked to be a legal Kafka topic name, so that a tenant's topics are named " +
			"from its `topic_prefix` rather than by hand: `provider::kafkatenant::topic_name(kafkatenant_tenant.payments.topic_prefix, \"orders\")` " +
			"gives `london.payments.orders`. `name` must not be empty and must not start with a separator, so the result always lies strictly inside the prefix.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "prefix", MarkdownDescription: "The tenant's topic prefix, usually ending with `.`."},
			function.StringParameter{Name: "name", MarkdownDescription: "The topic's local name within the namespace."},
		},
		Return: function.StringReturn{},
	}
}

func (f *topicNameFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var prefix, name string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &prefix, &name))
	if resp.Error != nil {
		return
	}
	if name == "" {
		resp.Error = function.NewArgumentFuncError(1, "The local topic name is empty: give the part after the prefix, such as \"orders\".")
		return
	}
	if name[0] == '.' || name[0] == '_' || name[0] == '-' {
		resp.Error = function.NewArgumentFuncError(1, fmt.Sprintf("The local topic name %q starts with %q: start it with a letter or digit; the prefix carries the separator.", name, name[:1]))
		return
	}
	full := prefix + name
	if problem := validators.TopicNameProblem(full); problem != "" {
		resp.Error = function.NewFuncError(fmt.Sprintf("%q is not a legal Kafka topic name: %s.", full, problem))
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, full))
}
