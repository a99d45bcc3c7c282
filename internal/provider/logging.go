package provider

import (
	"os"
	"strings"
)

// sdkLogVariables are the terraform-plugin-log variables that set the level
// of the provider's own logs and of the SDK layers under it.
var sdkLogVariables = []string{"TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// silenceUnrequestedLogs turns the provider's and the SDK's logs off when
// no TF_LOG variable asks for logs. Terraform discards a provider's logs
// unless TF_LOG is set, but the plugin libraries still render every log
// line, at trace level, and send it to Terraform: on a no-change plan of
// a few hundred resources that was a third of the provider's CPU. Any
// TF_LOG variable, TF_LOG=trace included, leaves logging exactly as the
// libraries set it. ServeServer calls it before serving.
func silenceUnrequestedLogs() {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_LOG") {
			return
		}
	}
	for _, name := range sdkLogVariables {
		// Setenv fails only for names with '=' or NUL in them.
		if err := os.Setenv(name, "OFF"); err != nil {
			panic(err)
		}
	}
}
