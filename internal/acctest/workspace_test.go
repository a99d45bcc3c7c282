package acctest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The provider binary the workspaces run (about 40 MB) is built into the
// suite's directory, and nothing of the suite is left in the temporary
// directory once it ends.
func TestSuiteDir_removesTheProviderBuild(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	restore := buildProvider
	t.Cleanup(func() {
		buildProvider, buildOnce, pluginDir, buildError = restore, sync.Once{}, "", nil
	})
	var built string
	buildProvider = func(_ context.Context, path string) error {
		built = path
		return os.WriteFile(path, []byte("#!/bin/sh\n"), 0o755)
	}
	buildOnce, pluginDir, buildError = sync.Once{}, "", nil

	dir, done, err := openSuiteDir()
	if err != nil {
		t.Fatal(err)
	}
	plugins, err := providerBinaryDir(context.Background())
	if err != nil {
		t.Fatalf("providerBinaryDir: %v", err)
	}
	if !strings.HasPrefix(plugins, dir+string(filepath.Separator)) || filepath.Dir(built) != plugins {
		t.Fatalf("provider built at %q, in %q; want it inside the suite directory %q", built, plugins, dir)
	}
	if _, err := os.Stat(built); err != nil {
		t.Fatalf("the provider binary is missing while the suite runs: %v", err)
	}
	done()
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range left {
		t.Errorf("the suite left %s in the temporary directory", filepath.Join(tmp, e.Name()))
	}
}

// A workspace outside a suite started by Run says what is missing rather
// than building into a directory nobody removes.
func TestProviderBinaryDir_needsRun(t *testing.T) {
	t.Cleanup(func() { buildOnce, pluginDir, buildError = sync.Once{}, "", nil })
	buildOnce, pluginDir, buildError = sync.Once{}, "", nil
	suiteDir = ""
	if _, err := providerBinaryDir(context.Background()); err == nil || !strings.Contains(err.Error(), "acctest.Run") {
		t.Fatalf("providerBinaryDir = %v, want an error naming acctest.Run", err)
	}
}
