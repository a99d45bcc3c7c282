package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// clientProperties returns the Kafka client settings a team needs to
// connect: the brokers (override, if given, else the provider's), the
// security protocol of the provider's listener, and the SASL mechanism.
// Passwords are never part of them.
func clientProperties(cfg kafka.Config, override []string, mechanism string) types.Map {
	servers := cfg.BootstrapServers
	if len(override) > 0 {
		servers = override
	}
	sasl, tls := cfg.SASL != nil, cfg.TLS != nil && cfg.TLS.Enabled
	protocol := "PLAINTEXT"
	switch {
	case sasl && tls:
		protocol = "SASL_SSL"
	case sasl:
		protocol = "SASL_PLAINTEXT"
	case tls:
		protocol = "SSL"
	}
	props := map[string]attr.Value{
		"bootstrap.servers": types.StringValue(strings.Join(servers, ",")),
		"security.protocol": types.StringValue(protocol),
	}
	if sasl && mechanism != "" {
		props["sasl.mechanism"] = types.StringValue(mechanism)
	}
	return types.MapValueMust(types.StringType, props)
}

// connectionMechanism is the provider's own SASL mechanism, or "".
func (d *providerData) connectionMechanism() string {
	if d.connection.SASL == nil {
		return ""
	}
	return d.connection.SASL.Mechanism
}

// listOfStrings converts a list attribute; null and unknown give nil.
func listOfStrings(ctx context.Context, l types.List) []string {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	var out []string
	l.ElementsAs(ctx, &out, false)
	return out
}

// setOfStrings converts a set attribute; null and unknown give nil.
func setOfStrings(ctx context.Context, s types.Set) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	var out []string
	s.ElementsAs(ctx, &out, false)
	return out
}

// diffStrings returns what after adds to before and what it removes.
func diffStrings(before, after []string) (added, removed []string) {
	for _, a := range after {
		if !slices.Contains(before, a) {
			added = append(added, a)
		}
	}
	for _, b := range before {
		if !slices.Contains(after, b) {
			removed = append(removed, b)
		}
	}
	return added, removed
}

// sharedTopicACLs are the grants that let principal read shared topics:
// READ and DESCRIBE on each, literal, never WRITE.
func sharedTopicACLs(principal string, topics []string) []kafka.ACL {
	var out []kafka.ACL
	for _, topic := range topics {
		for _, op := range []string{"READ", "DESCRIBE"} {
			out = append(out, kafka.ACL{
				Principal: principal, Host: "*", ResourceType: "TOPIC", ResourceName: topic,
				PatternType: "LITERAL", Operation: op, Permission: "ALLOW",
			})
		}
	}
	return out
}

// registeredAttribute is the computed attribute that shows whether the
// registry holds an object's record, so that a lost record is written
// again by an in-place update rather than a replacement.
func registeredAttribute(object string) schema.BoolAttribute {
	return schema.BoolAttribute{
		MarkdownDescription: fmt.Sprintf("Whether the provider's registry topic holds this %s's record. It is `true` after every apply. "+
			"A plan that changes it from `false` to `true` writes a record that was lost or damaged outside Terraform again, from state, "+
			"in place: the registry is only an index, and nothing Kafka holds is replaced or deleted.", object),
		Computed: true,
	}
}
