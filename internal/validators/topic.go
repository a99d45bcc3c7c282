// Package validators holds single-value framework validators for Kafka
// names and settings. They run offline, at validate and plan time, and skip
// unknown and null values.
package validators

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/topicconfig"
)

// MaxTopicNameLength is Kafka's limit on topic names.
const MaxTopicNameLength = 249

var legalTopicChars = regexp.MustCompile(`^[a-zA-Z0-9._-]*$`)

// TopicNameProblem returns why name is not a legal Kafka topic name, or ""
// when it is.
func TopicNameProblem(name string) string {
	switch {
	case name == "":
		return "a topic name cannot be empty"
	case name == "." || name == "..":
		return fmt.Sprintf("%q is reserved and cannot name a topic", name)
	// Characters first: once they are all ASCII, len counts characters
	// rather than bytes.
	case !legalTopicChars.MatchString(name):
		return fmt.Sprintf("the name contains %s; Kafka allows only ASCII letters, digits, '.', '_' and '-'", quoteIllegal(name))
	case len(name) > MaxTopicNameLength:
		return fmt.Sprintf("the name is %d characters long and Kafka allows at most %d", len(name), MaxTopicNameLength)
	}
	return ""
}

func quoteIllegal(name string) string {
	seen := map[rune]bool{}
	var bad []string
	for _, r := range name {
		if !legalTopicChars.MatchString(string(r)) && !seen[r] {
			seen[r] = true
			bad = append(bad, fmt.Sprintf("%q", r))
		}
	}
	return strings.Join(bad, ", ")
}

// TopicName validates a Kafka topic name: 1 to 249 characters from
// [a-zA-Z0-9._-], not "." or "..". A name using both '.' and '_' draws a
// warning, because Kafka's metric names turn '.' into '_' and two such
// topics collide.
func TopicName() validator.String { return topicNameValidator{} }

type topicNameValidator struct{}

func (topicNameValidator) Description(context.Context) string {
	return "must be a legal Kafka topic name: 1 to 249 characters from a-z, A-Z, 0-9, '.', '_' and '-', and not \".\" or \"..\""
}

func (v topicNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (topicNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	name := req.ConfigValue.ValueString()
	if problem := TopicNameProblem(name); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Topic Name",
			fmt.Sprintf("The topic name %q is not legal in Kafka: %s. Choose a name of 1 to %d characters from a-z, A-Z, 0-9, '.', '_' and '-'.",
				name, problem, MaxTopicNameLength))
		return
	}
	if strings.Contains(name, ".") && strings.Contains(name, "_") {
		resp.Diagnostics.AddAttributeWarning(req.Path, "Topic Name Mixes '.' and '_'",
			fmt.Sprintf("The topic name %q uses both '.' and '_'. Kafka's metric names replace '.' with '_', so this topic's metrics collide with those of a topic differing only in those characters, and Kafka refuses to create such a pair. Prefer one separator.", name))
	}
}

// TopicConfig validates a map of topic configs against Apache Kafka's
// catalogue: the value of every Apache key must have its type and lie in
// its range, and a key that is a near miss of an Apache key is reported
// with the closest ones. Other keys, vendor keys among them, are left to
// the topic's plan, which asks the brokers (topicconfig.CheckKeys).
func TopicConfig() validator.Map { return topicConfigValidator{} }

type topicConfigValidator struct{}

func (topicConfigValidator) Description(context.Context) string {
	return "values of Apache Kafka topic configs must have the key's type and range, and keys must not be near misses of Apache Kafka's"
}

func (v topicConfigValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (topicConfigValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := req.ConfigValue.Elements()
	keys := make([]string, 0, len(elems))
	for k := range elems {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		at := req.Path.AtMapKey(k)
		if _, apache := topicconfig.Lookup(k); !apache {
			// Other keys are decided at plan time, where the brokers can
			// be asked which keys they know (vendor keys among them). A
			// near miss of an Apache key is a typo on any cluster, and
			// keys are always known, so it is reported here even while
			// its value waits for another resource.
			if _, vendor := topicconfig.Vendor(k); !vendor && len(topicconfig.Suggest(k)) > 0 {
				resp.Diagnostics.AddAttributeError(at, "Unknown Topic Config",
					fmt.Sprintf("Unknown topic config: %s\n\nFix the key or remove it. Kafka's topic configs are listed at https://kafka.apache.org/documentation/#topicconfigs.", topicconfig.CheckKey(k)))
			}
			continue
		}
		s, ok := elems[k].(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		if err := topicconfig.Validate(k, s.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(at, "Invalid Topic Config Value",
				fmt.Sprintf("The topic config %q is invalid: %s.", k, err))
		}
	}
}
