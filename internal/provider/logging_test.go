package provider

import (
	"os"
	"testing"
)

func TestSilenceUnrequestedLogs(t *testing.T) {
	for _, name := range append([]string{"TF_LOG", "TF_LOG_PATH"}, sdkLogVariables...) {
		t.Setenv(name, "")
		if err := os.Unsetenv(name); err != nil {
			t.Fatal(err)
		}
	}
	silenceUnrequestedLogs()
	for _, name := range sdkLogVariables {
		if got := os.Getenv(name); got != "OFF" {
			t.Errorf("with no TF_LOG variable, %s = %q, want OFF", name, got)
		}
	}

	for _, name := range sdkLogVariables {
		if err := os.Unsetenv(name); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("TF_LOG", "trace")
	silenceUnrequestedLogs()
	for _, name := range sdkLogVariables {
		if got, set := os.LookupEnv(name); set {
			t.Errorf("with TF_LOG=trace, %s = %q, want it left unset", name, got)
		}
	}
}
