// Package tfcli finds a Terraform-compatible CLI for the acceptance tests,
// the demo and the benchmarks, building OpenTofu from the Go module proxy
// when the machine has none, and prepares the environment so that
// terraform-plugin-testing downloads nothing.
package tfcli

import (
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
// build into the cache (about five minutes on two cores). progress, when
// non-nil, receives a line before a build starts.
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
	dir, err := cacheDir()
	if err != nil {
		return CLI{}, err
	}
	bin := filepath.Join(dir, "opentofu-"+OpenTofuVersion, "tofu")
	if _, err := os.Stat(bin); err == nil {
		return CLI{Path: bin, OpenTofu: true, Source: "cached OpenTofu build"}, nil
	}
	if progress != nil {
		progress(fmt.Sprintf("no terraform or tofu on PATH: building OpenTofu %s from the Go module proxy into %s (about five minutes)", OpenTofuVersion, bin))
	}
	if err := buildOpenTofu(ctx, bin); err != nil {
		return CLI{}, err
	}
	return CLI{Path: bin, OpenTofu: true, Source: "fresh OpenTofu build"}, nil
}

func isTofu(path string) bool {
	return strings.HasPrefix(filepath.Base(path), "tofu")
}

// cacheDir is where built CLIs live, outside the repository:
// $KAFKATENANT_CACHE_DIR, else the user cache directory.
func cacheDir() (string, error) {
	if d := os.Getenv("KAFKATENANT_CACHE_DIR"); d != "" {
		return filepath.Abs(d)
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for the OpenTofu build (set KAFKATENANT_CACHE_DIR): %w", err)
	}
	return filepath.Join(d, "kafkatenant"), nil
}

// buildOpenTofu downloads the pinned OpenTofu module and builds cmd/tofu
// from a writable copy (the module cache is read-only), installing the
// binary at bin atomically.
func buildOpenTofu(ctx context.Context, bin string) error {
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
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return err
	}
	src, err := os.MkdirTemp(filepath.Dir(bin), "src-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(src)
	if err := copyTree(mod.Dir, src); err != nil {
		return fmt.Errorf("copying OpenTofu sources: %w", err)
	}
	tmp := bin + ".tmp"
	build := exec.CommandContext(ctx, "go", "build", "-o", tmp, "./cmd/tofu")
	build.Dir = src
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOWORK=off")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building OpenTofu %s: %w", OpenTofuVersion, err)
	}
	return os.Rename(tmp, bin)
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
