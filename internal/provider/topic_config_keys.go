package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/topicconfig"
)

// checkConfigKeys decides the config keys that Apache Kafka's catalogue
// does not hold: accepted when the brokers report them, a warning in a
// vendor namespace, an error otherwise. Without a reachable cluster
// (connected false) no broker is asked. The config validator has already
// checked Apache keys' values and near misses of Apache keys.
func (r *topicResource) checkConfigKeys(ctx context.Context, config types.Map, connected bool, diags *diag.Diagnostics) {
	if config.IsNull() || config.IsUnknown() {
		return
	}
	keys := make([]string, 0, len(config.Elements()))
	outside := false
	for k := range config.Elements() {
		keys = append(keys, k)
		if _, apache := topicconfig.Lookup(k); !apache {
			outside = true
		}
	}
	if !outside {
		return
	}
	var broker map[string]bool
	if connected {
		var err error
		broker, err = r.data.client.TopicConfigKeys(ctx)
		if err != nil {
			// The plan goes on with the offline rules: a principal may
			// lack DescribeConfigs on every topic it can see.
			tflog.Warn(ctx, "could not ask the brokers which topic config keys they know; judging keys offline", map[string]any{"error": err.Error()})
			broker = nil
		}
	}
	for _, p := range topicconfig.CheckKeys(keys, broker) {
		topicConfigKeyProblem(diags, p)
	}
}
