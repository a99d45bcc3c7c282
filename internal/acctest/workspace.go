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
	"time"

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
	// suiteDir holds what the suite writes, the provider binary included;
	// Run removes it when the tests end.
	suiteDir string
	// buildProvider builds the provider binary at path; tests replace it.
	buildProvider = func(ctx context.Context, path string) error {
		root, err := filepath.Abs(filepath.Join("..", ".."))
		if err != nil {
			return err
		}
		cmd := exec.CommandContext(ctx, "go", "build", "-o", path, ".")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("building the provider: %w\n%s", err, out)
		}
		return nil
	}
)

// openSuiteDir creates the suite's temporary directory and returns it with
// the function that removes it, and everything the suite built in it.
func openSuiteDir() (string, func(), error) {
	dir, err := os.MkdirTemp("", "kafkatenant-acc-")
	if err != nil {
		return "", nil, err
	}
	suiteDir = dir
	return dir, func() {
		if err := os.RemoveAll(dir); err != nil {
			fmt.Fprintln(os.Stderr, "acctest: removing the suite's directory:", err)
		}
		suiteDir = ""
	}, nil
}

// providerBinaryDir builds the provider once per test binary, into the
// suite's directory, and returns the directory holding it.
func providerBinaryDir(ctx context.Context) (string, error) {
	buildOnce.Do(func() {
		if suiteDir == "" {
			buildError = fmt.Errorf("acctest.NewWorkspace needs acctest.Run as the package's TestMain, with TF_ACC set")
			return
		}
		pluginDir = filepath.Join(suiteDir, "provider")
		if buildError = os.MkdirAll(pluginDir, 0o755); buildError != nil {
			return
		}
		buildError = buildProvider(ctx, filepath.Join(pluginDir, "terraform-provider-kafkatenant"))
	})
	return pluginDir, buildError
}

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
	plugins, err := providerBinaryDir(ctx)
	if err != nil {
		t.Fatal(err)
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
`, plugins, plugins)
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
	// When ctx ends, interrupt the CLI as Ctrl-C would, so that it stops
	// its providers and says what it was doing; kill it if it does not
	// exit soon after.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
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

// commandTimeout bounds one CLI command of MustRun, far above what any
// takes, so that a command that hangs fails its test instead of the whole
// suite's timeout.
const commandTimeout = 10 * time.Minute

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
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	out, err := w.Run(ctx, args...)
	if ctx.Err() != nil {
		t.Fatalf("terraform %s did not finish within %s and was interrupted: %v\n%s", strings.Join(args, " "), commandTimeout, err, out)
	}
	if err != nil {
		t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}
