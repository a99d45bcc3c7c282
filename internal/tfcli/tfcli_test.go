package tfcli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeBinary writes an executable file named name in dir and returns its
// path. Resolve only locates binaries, it never runs them.
func fakeBinary(t *testing.T, dir, name string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// isolate clears every input of Resolve, so that the machine's own
// terraform or cache cannot answer for the test.
func isolate(t *testing.T) {
	t.Helper()
	t.Setenv("TF_ACC_TERRAFORM_PATH", "")
	t.Setenv("PATH", t.TempDir())
	t.Setenv("KAFKATENANT_CACHE_DIR", t.TempDir())
}

func TestResolve(t *testing.T) {
	cases := []struct {
		name       string
		setup      func(t *testing.T) string // returns the wanted path
		wantTofu   bool
		wantSource string
	}{
		{
			name: "TF_ACC_TERRAFORM_PATH first",
			setup: func(t *testing.T) string {
				bin := fakeBinary(t, t.TempDir(), "terraform")
				fakeBinary(t, os.Getenv("PATH"), "tofu")
				t.Setenv("TF_ACC_TERRAFORM_PATH", bin)
				return bin
			},
			wantSource: "TF_ACC_TERRAFORM_PATH",
		},
		{
			name: "TF_ACC_TERRAFORM_PATH naming tofu",
			setup: func(t *testing.T) string {
				bin := fakeBinary(t, t.TempDir(), "tofu-1.12")
				t.Setenv("TF_ACC_TERRAFORM_PATH", bin)
				return bin
			},
			wantTofu:   true,
			wantSource: "TF_ACC_TERRAFORM_PATH",
		},
		{
			name: "relative TF_ACC_TERRAFORM_PATH is made absolute",
			setup: func(t *testing.T) string {
				dir := t.TempDir()
				bin := fakeBinary(t, dir, "terraform")
				t.Chdir(dir)
				t.Setenv("TF_ACC_TERRAFORM_PATH", "terraform")
				return bin
			},
			wantSource: "TF_ACC_TERRAFORM_PATH",
		},
		{
			name: "terraform on PATH before tofu",
			setup: func(t *testing.T) string {
				fakeBinary(t, os.Getenv("PATH"), "tofu")
				return fakeBinary(t, os.Getenv("PATH"), "terraform")
			},
			wantSource: "terraform on PATH",
		},
		{
			name: "tofu on PATH",
			setup: func(t *testing.T) string {
				return fakeBinary(t, os.Getenv("PATH"), "tofu")
			},
			wantTofu:   true,
			wantSource: "tofu on PATH",
		},
		{
			name: "cached OpenTofu build, without building",
			setup: func(t *testing.T) string {
				return fakeBinary(t, filepath.Join(os.Getenv("KAFKATENANT_CACHE_DIR"), "opentofu-"+OpenTofuVersion), "tofu")
			},
			wantTofu:   true,
			wantSource: "cached OpenTofu build",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t)
			want := tc.setup(t)
			var progress []string
			cli, err := Resolve(context.Background(), func(s string) { progress = append(progress, s) })
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			wantAbs, err := filepath.EvalSymlinks(want)
			if err != nil {
				t.Fatal(err)
			}
			gotAbs, err := filepath.EvalSymlinks(cli.Path)
			if err != nil {
				t.Fatalf("Resolve returned %q: %v", cli.Path, err)
			}
			if !filepath.IsAbs(cli.Path) || gotAbs != wantAbs {
				t.Errorf("Path = %q, want absolute %q", cli.Path, want)
			}
			if cli.OpenTofu != tc.wantTofu || cli.Source != tc.wantSource {
				t.Errorf("OpenTofu, Source = %t, %q; want %t, %q", cli.OpenTofu, cli.Source, tc.wantTofu, tc.wantSource)
			}
			if len(progress) > 0 {
				t.Errorf("Resolve reported a build when none was needed: %v", progress)
			}
		})
	}
}

func TestResolve_missingTFAccTerraformPath(t *testing.T) {
	isolate(t)
	missing := filepath.Join(t.TempDir(), "no-such-terraform")
	t.Setenv("TF_ACC_TERRAFORM_PATH", missing)
	_, err := Resolve(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "TF_ACC_TERRAFORM_PATH") || !strings.Contains(err.Error(), missing) {
		t.Fatalf("Resolve = %v, want an error naming TF_ACC_TERRAFORM_PATH and the path", err)
	}
}

func TestPrepare(t *testing.T) {
	for _, tofu := range []bool{false, true} {
		name := "terraform"
		if tofu {
			name = "tofu"
		}
		t.Run(name, func(t *testing.T) {
			// t.Setenv restores what Prepare overwrites.
			for _, k := range []string{"TF_ACC_TERRAFORM_PATH", "TF_CLI_CONFIG_FILE", "CHECKPOINT_DISABLE", "TF_ACC_PROVIDER_HOST"} {
				t.Setenv(k, "")
			}
			cli := CLI{Path: "/opt/bin/" + name, OpenTofu: tofu}
			dir := filepath.Join(t.TempDir(), "nested", "cli")
			extra := "plugin_cache_dir = \"/tmp/plugins\"\n"
			rc, err := Prepare(cli, dir, extra)
			if err != nil {
				t.Fatalf("Prepare: %v", err)
			}
			content, err := os.ReadFile(rc)
			if err != nil {
				t.Fatalf("reading the CLI config: %v", err)
			}
			if !strings.Contains(string(content), "disable_checkpoint = true") || !strings.HasSuffix(string(content), extra) {
				t.Errorf("CLI config =\n%s\nwant disable_checkpoint and the extra config at the end", content)
			}
			want := map[string]string{
				"TF_ACC_TERRAFORM_PATH": cli.Path,
				"TF_CLI_CONFIG_FILE":    rc,
				"CHECKPOINT_DISABLE":    "1",
				"TF_ACC_PROVIDER_HOST":  "",
			}
			if tofu {
				want["TF_ACC_PROVIDER_HOST"] = "registry.opentofu.org"
			}
			for k, v := range want {
				if got := os.Getenv(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestCopyTree(t *testing.T) {
	from, to := t.TempDir(), filepath.Join(t.TempDir(), "copy")
	files := map[string]string{
		"go.mod":             "module example\n",
		"cmd/tofu/main.go":   "package main\n",
		"internal/a/b/c.txt": "deep\n",
	}
	for rel, content := range files {
		p := filepath.Join(from, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		// The module cache is read-only; the copy must be writable.
		if err := os.WriteFile(p, []byte(content), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("go.mod", filepath.Join(from, "link")); err != nil {
		t.Fatal(err)
	}
	if err := copyTree(from, to); err != nil {
		t.Fatalf("copyTree: %v", err)
	}
	for rel, content := range files {
		p := filepath.Join(to, rel)
		got, err := os.ReadFile(p)
		if err != nil || string(got) != content {
			t.Errorf("%s = %q, %v; want %q", rel, got, err, content)
		}
		if err := os.WriteFile(p, []byte("changed"), 0o644); err != nil {
			t.Errorf("copied %s is not writable: %v", rel, err)
		}
	}
	if _, err := os.Lstat(filepath.Join(to, "link")); !os.IsNotExist(err) {
		t.Errorf("symlink was copied (err %v); only regular files should be", err)
	}
}

// versionBinary writes a fake CLI that reports version v as terraform
// version -json does.
func versionBinary(t *testing.T, dir, name, v string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	script := "#!/bin/sh\necho '{\"terraform_version\":\"" + v + "\",\"platform\":\"linux_amd64\"}'\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestResolveAtLeast(t *testing.T) {
	ctx := context.Background()
	t.Run("a recent enough tofu on PATH wins over an old terraform", func(t *testing.T) {
		isolate(t)
		versionBinary(t, os.Getenv("PATH"), "terraform", "1.11.4")
		want := versionBinary(t, os.Getenv("PATH"), "tofu", "1.12.6")
		cli, err := ResolveAtLeast(ctx, "1.12.0", nil)
		if err != nil || cli.Path != want || !cli.OpenTofu {
			t.Fatalf("ResolveAtLeast = %+v, %v; want tofu at %s", cli, err, want)
		}
	})
	t.Run("only an old terraform: the cached OpenTofu build", func(t *testing.T) {
		isolate(t)
		versionBinary(t, os.Getenv("PATH"), "terraform", "1.11.4")
		want := fakeBinary(t, filepath.Join(os.Getenv("KAFKATENANT_CACHE_DIR"), "opentofu-"+OpenTofuVersion), "tofu")
		var progress []string
		cli, err := ResolveAtLeast(ctx, "1.12.0", func(s string) { progress = append(progress, s) })
		if err != nil || cli.Path != want || cli.Source != "cached OpenTofu build" {
			t.Fatalf("ResolveAtLeast = %+v, %v; want the cached build %s", cli, err, want)
		}
		if len(progress) > 0 {
			t.Errorf("a cached build reported progress: %v", progress)
		}
	})
	t.Run("TF_ACC_TERRAFORM_PATH is the caller's choice, whatever its version", func(t *testing.T) {
		isolate(t)
		want := versionBinary(t, t.TempDir(), "terraform", "1.11.4")
		t.Setenv("TF_ACC_TERRAFORM_PATH", want)
		cli, err := ResolveAtLeast(ctx, "1.12.0", nil)
		if err != nil || cli.Path != want {
			t.Fatalf("ResolveAtLeast = %+v, %v; want %s", cli, err, want)
		}
	})
	t.Run("newer than the pinned build", func(t *testing.T) {
		isolate(t)
		if _, err := ResolveAtLeast(ctx, "99.0.0", nil); err == nil || !strings.Contains(err.Error(), OpenTofuVersion) {
			t.Fatalf("ResolveAtLeast(99.0.0) = %v, want an error naming the pinned version", err)
		}
	})
}

func TestVersion(t *testing.T) {
	bin := versionBinary(t, t.TempDir(), "tofu", "1.12.6")
	v, err := Version(context.Background(), bin)
	if err != nil || v.String() != "1.12.6" {
		t.Fatalf("Version = %v, %v; want 1.12.6", v, err)
	}
	bad := fakeBinary(t, t.TempDir(), "terraform")
	if _, err := Version(context.Background(), bad); err == nil {
		t.Fatal("Version of a CLI that prints no version succeeded")
	}
}

// The compile step reports how many packages go build -v has named, every
// heartbeat, and a failed build's error carries the compiler's messages
// but not the package names.
func TestBuilderCompile_reportsProgress(t *testing.T) {
	defer func(d time.Duration) { heartbeat = d }(heartbeat)
	heartbeat = 20 * time.Millisecond
	var mu sync.Mutex
	var lines []string
	b := &builder{bin: "/cache/tofu", start: time.Now(), progress: func(s string) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, s)
	}}
	script := `echo example.com/a >&2; echo example.com/b >&2; sleep 0.2; echo 'x.go:1:2: undefined: y' >&2; exit 1`
	err := b.compile(exec.Command("sh", "-c", script), 5)
	if err == nil || !strings.Contains(err.Error(), "x.go:1:2: undefined: y") || strings.Contains(err.Error(), "example.com/a") {
		t.Fatalf("compile error = %v; want the compiler's message and no package names", err)
	}
	mu.Lock()
	defer mu.Unlock()
	found := false
	for _, l := range lines {
		if strings.Contains(l, "compiled 2 of at most 5 packages") && strings.HasPrefix(l, "OpenTofu "+OpenTofuVersion+" build [") {
			found = true
		}
	}
	if !found {
		t.Fatalf("progress = %q; want a line counting 2 of at most 5 packages", lines)
	}
}
