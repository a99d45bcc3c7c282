package citest

import (
	"os/exec"
	"strings"
	"testing"
)

// A bare `make` lists every target with what it does, so that a newcomer
// who types it learns the commands instead of starting a build.
func TestMake_bareMakePrintsHelp(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not on PATH; the README lists it among the prerequisites")
	}
	out, err := exec.Command("make", "-C", root, "--no-print-directory").CombinedOutput()
	if err != nil {
		t.Fatalf("make: %v\n%s", err, out)
	}
	if !strings.HasPrefix(string(out), "Usage: make <target>") {
		t.Errorf("bare make printed\n%s\nwant the help text", out)
	}
	for _, target := range makeTargets(t) {
		found := false
		for _, line := range strings.Split(string(out), "\n") {
			if name, desc, ok := strings.Cut(line, " "); ok && name == target && strings.TrimSpace(desc) != "" {
				found = true
			}
		}
		if !found {
			t.Errorf("make help does not describe the target %s: add a '## %s: ...' line above it", target, target)
		}
	}
}
