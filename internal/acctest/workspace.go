package acctest

import (
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tfcli"
)

// Workspace is a Terraform working directory run by the real CLI against a
// provider binary built from this repository, as a user's separate
// workspace would be: its own process, state and plan. Tests use it where
// the in-process provider of resource.Test cannot reach, such as two
// applies racing each other.
type Workspace struct {
	Dir string
	cli tfcli.CLI
	rc  string
	env map[string]string
}

var (
	buildOnce  sync.Once
	pluginDir  string
	buildError error
)

// NewWorkspace creates a working directory holding config, with a CLI
// configuration that points Terraform at the freshly built provider.
func NewWorkspace(t *testing.T, config string) *Workspace {
	t.Helper()
	w := newWorkspace(t)
	w.Write(t, config)
	return w
}

// NewModuleWorkspace creates a working directory holding a copy of the
// directory tree at dir, such as a module with its tests and examples, with
// the CLI configuration of NewWorkspace.
func NewModuleWorkspace(t *testing.T, dir string) *Workspace {
	t.Helper()
	w := newWorkspace(t)
	CopyTree(t, dir, w.Dir)
	return w
}

// In returns the workspace of the subdirectory sub of w (a module's
// example, say), with w's CLI configuration and variables.
func (w *Workspace) In(sub string) *Workspace {
	in := *w
	in.Dir = filepath.Join(w.Dir, sub)
	in.env = maps.Clone(w.env)
	return &in
}

// CopyTree copies a directory tree of small files, keeping the layout, so
// that relative module sources resolve in the copy as in the original.
func CopyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		content, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, content, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// newWorkspace creates an empty working directory and the CLI
// configuration that points Terraform at the freshly built provider.
func newWorkspace(t *testing.T) *Workspace {
	t.Helper()
	ctx := context.Background()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kafkatenant-provider-")
		if err != nil {
			buildError = err
			return
		}
		pluginDir = dir
		root, err := filepath.Abs(filepath.Join("..", ".."))
		if err != nil {
			buildError = err
			return
		}
		cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, "terraform-provider-kafkatenant"), ".")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildError = fmt.Errorf("building the provider: %w\n%s", err, out)
		}
	})
	if buildError != nil {
		t.Fatal(buildError)
	}
	cli, err := tfcli.Resolve(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rc := filepath.Join(dir, "dev.tfrc")
	overrides := fmt.Sprintf(`disable_checkpoint = true
provider_installation {
  dev_overrides {
    "registry.terraform.io/kafkatenant/kafkatenant" = %q
    "registry.opentofu.org/kafkatenant/kafkatenant" = %q
  }
  direct {}
}
`, pluginDir, pluginDir)
	work := filepath.Join(dir, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rc, []byte(overrides), 0o600); err != nil {
		t.Fatal(err)
	}
	return &Workspace{Dir: work, cli: cli, rc: rc}
}

// Run runs the CLI with args in the workspace and returns its combined
// output and error. The provider reads the suite's KAFKATENANT_* variables.
func (w *Workspace) Run(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, w.cli.Path, append(args, "-no-color")...)
	cmd.Dir = w.Dir
	env := []string{"TF_CLI_CONFIG_FILE=" + w.rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") {
			env = append(env, kv)
		}
	}
	// Later entries win: a workspace's own settings override the suite's.
	for k, v := range w.env {
		env = append(env, k+"="+v)
	}
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Setenv sets variables for every later command of the workspace, over
// the suite's: another cluster's KAFKATENANT_* settings, or TF_VAR_ inputs.
func (w *Workspace) Setenv(vars map[string]string) {
	if w.env == nil {
		w.env = map[string]string{}
	}
	for k, v := range vars {
		w.env[k] = v
	}
}

// Write replaces the workspace's configuration.
func (w *Workspace) Write(t *testing.T, config string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(w.Dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
}

// MustRun runs the CLI and fails the test, showing the output, if it
// fails.
func (w *Workspace) MustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, err := w.Run(context.Background(), args...)
	if err != nil {
		t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}
