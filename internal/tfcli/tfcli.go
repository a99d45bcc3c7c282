// Package tfcli finds a Terraform-compatible CLI for the acceptance tests,
// the demo and the benchmarks, building OpenTofu from the Go module proxy
// when the machine has none, and prepares the environment so that
// terraform-plugin-testing downloads nothing.
package tfcli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-version"
)

// OpenTofuModule and OpenTofuVersion pin the OpenTofu source built when no
// CLI is installed.
const (
	OpenTofuModule  = "github.com/opentofu/opentofu"
	OpenTofuVersion = "v1.12.6"
)

// CLI is a resolved Terraform-compatible binary.
type CLI struct {
	// Path is the binary's absolute path.
	Path string
	// OpenTofu is true when the binary is OpenTofu, whose providers live
	// under registry.opentofu.org.
	OpenTofu bool
	// Source says how the binary was found, for logs.
	Source string
}

// Resolve finds the CLI, in order: TF_ACC_TERRAFORM_PATH, terraform on
// PATH, tofu on PATH, a cached OpenTofu build, and finally a fresh OpenTofu
// build into the cache (see OpenTofu). progress, when non-nil, receives the
// build's progress lines.
func Resolve(ctx context.Context, progress func(string)) (CLI, error) {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		abs, err := filepath.Abs(p)
		if err != nil {
			return CLI{}, fmt.Errorf("TF_ACC_TERRAFORM_PATH %q: %w", p, err)
		}
		if _, err := os.Stat(abs); err != nil {
			return CLI{}, fmt.Errorf("TF_ACC_TERRAFORM_PATH %q: %w", p, err)
		}
		return CLI{Path: abs, OpenTofu: isTofu(abs), Source: "TF_ACC_TERRAFORM_PATH"}, nil
	}
	for _, name := range []string{"terraform", "tofu"} {
		if p, err := exec.LookPath(name); err == nil {
			abs, err := filepath.Abs(p)
			if err != nil {
				return CLI{}, err
			}
			return CLI{Path: abs, OpenTofu: name == "tofu", Source: name + " on PATH"}, nil
		}
	}
	return OpenTofu(ctx, progress)
}

// ResolveAtLeast finds a CLI of at least version minimum (such as
// "1.12.0"): TF_ACC_TERRAFORM_PATH when set, whatever its version (the
// caller chose it); else terraform or tofu on PATH when recent enough; else
// the pinned OpenTofu build (see OpenTofu), which is built when missing.
func ResolveAtLeast(ctx context.Context, minimum string, progress func(string)) (CLI, error) {
	want, err := version.NewVersion(minimum)
	if err != nil {
		return CLI{}, fmt.Errorf("minimum version %q: %w", minimum, err)
	}
	if os.Getenv("TF_ACC_TERRAFORM_PATH") != "" {
		return Resolve(ctx, progress)
	}
	for _, name := range []string{"terraform", "tofu"} {
		p, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return CLI{}, err
		}
		if v, err := Version(ctx, abs); err == nil && !v.LessThan(want) {
			return CLI{Path: abs, OpenTofu: name == "tofu", Source: name + " on PATH"}, nil
		}
	}
	if pinned := version.Must(version.NewVersion(OpenTofuVersion)); pinned.LessThan(want) {
		return CLI{}, fmt.Errorf("no terraform or tofu of version %s or later on PATH, and the pinned OpenTofu build is %s", minimum, OpenTofuVersion)
	}
	return OpenTofu(ctx, progress)
}

// Version runs the CLI at path and returns the version it reports.
// OpenTofu reports its own version under the same key as Terraform.
func Version(ctx context.Context, path string) (*version.Version, error) {
	cmd := exec.CommandContext(ctx, path, "version", "-json")
	// A missing CLI configuration file makes OpenTofu print a warning
	// before the JSON; an empty one keeps the output clean.
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+os.DevNull, "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s version -json: %w", path, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil || v.Version == "" {
		return nil, fmt.Errorf("%s version -json printed no version: %q", path, out)
	}
	return version.NewVersion(v.Version)
}

func isTofu(path string) bool {
	return strings.HasPrefix(filepath.Base(path), "tofu")
}

// CacheDir is where built CLIs live, outside the repository:
// $KAFKATENANT_CACHE_DIR, else kafkatenant in the user cache directory
// (~/.cache/kafkatenant on Linux).
func CacheDir() (string, error) {
	if d := os.Getenv("KAFKATENANT_CACHE_DIR"); d != "" {
		return filepath.Abs(d)
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for the OpenTofu build (set KAFKATENANT_CACHE_DIR): %w", err)
	}
	return filepath.Join(d, "kafkatenant"), nil
}

// OpenTofuPath is where the pinned OpenTofu build lives in the cache.
func OpenTofuPath() (string, error) {
	dir, err := CacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "opentofu-"+OpenTofuVersion, "tofu"), nil
}

// OpenTofu returns the pinned OpenTofu build from the cache, building it
// first when it is missing: the source comes from the Go module proxy and
// the build takes about five to seven minutes on two cores with cold Go
// caches. Concurrent callers, such as two test binaries of one `go test`
// run, wait for one build. progress, when non-nil, receives a line when
// the build starts, at least every 30 seconds while it runs, and when it
// ends, with where the binary is and how large.
func OpenTofu(ctx context.Context, progress func(string)) (CLI, error) {
	bin, err := OpenTofuPath()
	if err != nil {
		return CLI{}, err
	}
	cached := CLI{Path: bin, OpenTofu: true, Source: "cached OpenTofu build"}
	if _, err := os.Stat(bin); err == nil {
		return cached, nil
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return CLI{}, err
	}
	unlock, err := lockFile(ctx, bin+".lock", func() {
		if progress != nil {
			progress("waiting for another process that is building OpenTofu " + OpenTofuVersion + " into " + bin)
		}
	})
	if err != nil {
		return CLI{}, err
	}
	defer unlock()
	if _, err := os.Stat(bin); err == nil {
		return cached, nil
	}
	b := &builder{bin: bin, progress: progress, start: time.Now()}
	if err := b.build(ctx); err != nil {
		return CLI{}, err
	}
	return CLI{Path: bin, OpenTofu: true, Source: "fresh OpenTofu build"}, nil
}

// builder builds OpenTofu from the module proxy, reporting progress.
type builder struct {
	bin      string
	progress func(string)
	start    time.Time
}

// heartbeat is how often a step that prints nothing itself reports that it
// is still running.
var heartbeat = 30 * time.Second

func (b *builder) say(format string, args ...any) {
	if b.progress != nil {
		elapsed := time.Since(b.start).Truncate(time.Second)
		b.progress(fmt.Sprintf("OpenTofu %s build [%s]: ", OpenTofuVersion, elapsed) + fmt.Sprintf(format, args...))
	}
}

// build downloads the pinned OpenTofu module and builds cmd/tofu from a
// writable copy (the module cache is read-only), installing the binary at
// b.bin atomically.
func (b *builder) build(ctx context.Context) error {
	b.say("no suitable terraform or tofu found: building OpenTofu from the Go module proxy into %s "+
		"(once; about 5-7 minutes on two cores, then cached; set KAFKATENANT_CACHE_DIR to cache elsewhere, or TF_ACC_TERRAFORM_PATH to use an installed CLI)", b.bin)
	b.say("1/4 downloading the source of %s@%s", OpenTofuModule, OpenTofuVersion)
	var out bytes.Buffer
	dl := exec.CommandContext(ctx, "go", "mod", "download", "-json", OpenTofuModule+"@"+OpenTofuVersion)
	dl.Stdout, dl.Stderr = &out, os.Stderr
	if err := dl.Run(); err != nil {
		return fmt.Errorf("downloading %s@%s: %w", OpenTofuModule, OpenTofuVersion, err)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out.Bytes(), &mod); err != nil || mod.Dir == "" {
		return fmt.Errorf("reading go mod download output for %s: %w", OpenTofuModule, err)
	}
	src, err := os.MkdirTemp(filepath.Dir(b.bin), "src-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(src)
	if err := copyTree(mod.Dir, src); err != nil {
		return fmt.Errorf("copying OpenTofu sources: %w", err)
	}
	env := append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOWORK=off")
	goCmd := func(args ...string) *exec.Cmd {
		c := exec.CommandContext(ctx, "go", args...)
		c.Dir, c.Env = src, env
		return c
	}
	b.say("2/4 downloading OpenTofu's dependencies into the Go module cache")
	if err := b.quietly("downloading dependencies", goCmd("mod", "download")); err != nil {
		return fmt.Errorf("downloading OpenTofu's dependencies: %w", err)
	}
	list := goCmd("list", "-deps", "./cmd/tofu")
	var pkgs bytes.Buffer
	list.Stdout, list.Stderr = &pkgs, os.Stderr
	if err := list.Run(); err != nil {
		return fmt.Errorf("listing OpenTofu's packages: %w", err)
	}
	total := strings.Count(pkgs.String(), "\n")
	b.say("3/4 compiling %d packages (those already in Go's build cache are skipped)", total)
	tmp := fmt.Sprintf("%s.tmp-%d", b.bin, os.Getpid())
	if err := b.compile(goCmd("build", "-v", "-o", tmp, "./cmd/tofu"), total); err != nil {
		return fmt.Errorf("building OpenTofu %s: %w", OpenTofuVersion, err)
	}
	if err := os.Rename(tmp, b.bin); err != nil {
		return err
	}
	size := "unknown size"
	if fi, err := os.Stat(b.bin); err == nil {
		size = fmt.Sprintf("%d MB", fi.Size()>>20)
	}
	b.say("4/4 done: %s (%s) is cached for every later run; delete %s to rebuild it", b.bin, size, filepath.Dir(b.bin))
	return nil
}

// quietly runs a command that prints nothing while it works, saying every
// heartbeat that it still runs. Its error output is passed on.
func (b *builder) quietly(what string, cmd *exec.Cmd) error {
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-tick.C:
			b.say("still %s", what)
		}
	}
}

// compile runs go build -v, which names each package as it compiles it,
// and reports the count against total every heartbeat. Lines that are not
// package names (compiler errors) are kept for the error.
func (b *builder) compile(cmd *exec.Cmd, total int) error {
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	cmd.Stdout = os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	var (
		mu       sync.Mutex
		compiled int
		errs     []string
	)
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			mu.Lock()
			if strings.ContainsAny(line, " \t:") {
				errs = append(errs, line)
			} else {
				compiled++
			}
			mu.Unlock()
		}
	}()
	done := make(chan error, 1)
	go func() {
		<-scanned
		done <- cmd.Wait()
	}()
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil && len(errs) > 0 {
				return fmt.Errorf("%w\n%s", err, strings.Join(errs, "\n"))
			}
			return err
		case <-tick.C:
			mu.Lock()
			n := compiled
			mu.Unlock()
			b.say("compiled %d of at most %d packages", n, total)
		}
	}
}

func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// Prepare exports what terraform-plugin-testing and the CLI need:
// TF_ACC_TERRAFORM_PATH (absolute, so nothing is downloaded), a
// TF_CLI_CONFIG_FILE the harness controls (OpenTofu's warning about a
// missing one breaks version parsing), and, for OpenTofu, its registry
// host. extraConfig is appended to the CLI config file. It returns the
// config file's path.
func Prepare(cli CLI, configDir, extraConfig string) (string, error) {
	if err := os.MkdirAll(configDir, 0o755); err != nil {
		return "", err
	}
	rc := filepath.Join(configDir, "terraform.rc")
	content := "# Written by kafkatenant's test harness.\ndisable_checkpoint = true\n" + extraConfig
	if err := os.WriteFile(rc, []byte(content), 0o644); err != nil {
		return "", err
	}
	vars := map[string]string{
		"TF_ACC_TERRAFORM_PATH": cli.Path,
		"TF_CLI_CONFIG_FILE":    rc,
		"CHECKPOINT_DISABLE":    "1",
	}
	if cli.OpenTofu {
		vars["TF_ACC_PROVIDER_HOST"] = "registry.opentofu.org"
	}
	for k, v := range vars {
		if err := os.Setenv(k, v); err != nil {
			return "", errors.Join(fmt.Errorf("setting %s", k), err)
		}
	}
	return rc, nil
}
