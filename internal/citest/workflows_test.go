package citest

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// root is the repository, two directories up from this package.
var root = filepath.Join("..", "..")

type workflow struct {
	Name        string            `yaml:"name"`
	On          map[string]any    `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Concurrency map[string]any    `yaml:"concurrency"`
	Jobs        map[string]job    `yaml:"jobs"`
}

type job struct {
	Name           string            `yaml:"name"`
	RunsOn         string            `yaml:"runs-on"`
	TimeoutMinutes int               `yaml:"timeout-minutes"`
	Env            map[string]string `yaml:"env"`
	Strategy       struct {
		FailFast *bool `yaml:"fail-fast"`
		Matrix   struct {
			Include []map[string]string `yaml:"include"`
		} `yaml:"matrix"`
	} `yaml:"strategy"`
	Steps []step `yaml:"steps"`
}

type step struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	If   string            `yaml:"if"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]any    `yaml:"with"`
	Env  map[string]string `yaml:"env"`
}

// load decodes a workflow strictly: a key the structure does not know,
// such as a misspelt runs-on, fails the test.
func load(t *testing.T, name string) workflow {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, ".github", "workflows", name))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var w workflow
	if err := dec.Decode(&w); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return w
}

var (
	usesPattern = regexp.MustCompile(`^[\w.-]+/[\w.-]+(/[\w./-]+)?@v\d+(\.\d+)*$`)
	makeTarget  = regexp.MustCompile(`\bmake ([a-z][a-z-]*)`)
	script      = regexp.MustCompile(`\bscripts/[\w.-]+`)
	expression  = regexp.MustCompile(`\$\{\{\s*(.*?)\s*}}`)
	matrixRef   = regexp.MustCompile(`\bmatrix\.(\w+)`)
	stepRef     = regexp.MustCompile(`\bsteps\.(\w+)\.outputs\.\w+`)
)

// makeTargets returns the targets the GNUmakefile defines, including each
// target of a rule that names several ("fuzz fuzz-ci:").
func makeTargets(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "GNUmakefile"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`(?m)^([a-z][a-z-]*(?: [a-z][a-z-]*)*):(?:[^=]|$)`).FindAllStringSubmatch(string(data), -1) {
		out = append(out, strings.Fields(m[1])...)
	}
	return out
}

// checkCommon checks what every workflow's jobs must get right: a runner,
// a time limit, steps that either use a pinned action or run commands,
// make targets and scripts that exist, and expressions that name matrix
// keys and step ids that exist.
func checkCommon(t *testing.T, file string, w workflow) {
	t.Helper()
	targets := makeTargets(t)
	if w.Name == "" || len(w.On) == 0 || len(w.Jobs) == 0 {
		t.Fatalf("%s: needs a name, triggers and jobs", file)
	}
	for id, j := range w.Jobs {
		where := file + " job " + id
		if j.RunsOn == "" || j.TimeoutMinutes <= 0 || len(j.Steps) == 0 {
			t.Errorf("%s: needs runs-on, a timeout-minutes and steps", where)
		}
		if j.TimeoutMinutes > 90 {
			t.Errorf("%s: timeout-minutes %d is over 90", where, j.TimeoutMinutes)
		}
		matrixKeys := map[string]bool{}
		for _, entry := range j.Strategy.Matrix.Include {
			for k := range entry {
				matrixKeys[k] = true
			}
		}
		ids := map[string]bool{}
		for i, s := range j.Steps {
			at := where + " step " + s.Name
			if (s.Uses == "") == (s.Run == "") {
				t.Errorf("%s (#%d): a step either uses an action or runs commands", at, i+1)
			}
			if s.Uses != "" && !usesPattern.MatchString(s.Uses) {
				t.Errorf("%s: action %q is not pinned to a version tag", at, s.Uses)
			}
			if s.Uses != "" && strings.HasPrefix(s.Uses, "actions/setup-go@") && s.With["go-version-file"] != "go.mod" {
				t.Errorf("%s: setup-go must take the Go version from go.mod", at)
			}
			for _, m := range makeTarget.FindAllStringSubmatch(s.Run, -1) {
				if !slices.Contains(targets, m[1]) {
					t.Errorf("%s: runs make %s, which the GNUmakefile does not define", at, m[1])
				}
			}
			for _, p := range script.FindAllString(s.Run, -1) {
				if fi, err := os.Stat(filepath.Join(root, p)); err != nil || fi.Mode()&0o111 == 0 {
					t.Errorf("%s: runs %s, which is not an executable file: %v", at, p, err)
				}
			}
			var texts []string
			texts = append(texts, s.If, s.Run)
			for _, v := range s.With {
				if str, ok := v.(string); ok {
					texts = append(texts, str)
				}
			}
			for _, v := range s.Env {
				texts = append(texts, v)
			}
			for _, text := range texts {
				for _, e := range expression.FindAllStringSubmatch(text, -1) {
					for _, m := range matrixRef.FindAllStringSubmatch(e[1], -1) {
						if !matrixKeys[m[1]] {
							t.Errorf("%s: ${{ %s }} names matrix.%s, which the job's matrix does not have", at, e[1], m[1])
						}
					}
					for _, m := range stepRef.FindAllStringSubmatch(e[1], -1) {
						if !ids[m[1]] {
							t.Errorf("%s: ${{ %s }} names step %q, which no earlier step of the job is", at, e[1], m[1])
						}
					}
				}
			}
			if s.ID != "" {
				ids[s.ID] = true
			}
		}
	}
}

// runs returns the commands of the job's steps, joined.
func (j job) runs() string {
	var b strings.Builder
	for _, s := range j.Steps {
		b.WriteString(s.Run + "\n")
	}
	return b.String()
}

// uses reports whether a step of the job uses the action (owner/name).
func (j job) uses(action string) *step {
	for i, s := range j.Steps {
		if strings.HasPrefix(s.Uses, action+"@") {
			return &j.Steps[i]
		}
	}
	return nil
}

func TestTestWorkflow(t *testing.T) {
	w := load(t, "test.yml")
	checkCommon(t, "test.yml", w)
	for _, trigger := range []string{"push", "pull_request"} {
		if _, ok := w.On[trigger]; !ok {
			t.Errorf("test.yml does not run on %s", trigger)
		}
	}
	for _, id := range []string{"docs", "lint", "test", "external"} {
		if _, ok := w.Jobs[id]; !ok {
			t.Fatalf("test.yml has no %s job", id)
		}
	}
	if !strings.Contains(w.Jobs["docs"].runs(), "make docs-check") {
		t.Error("the docs job does not run make docs-check")
	}

	// The embedded-cluster suite under each CLI of the matrix; identity
	// tests required where the CLI has identity.
	test := w.Jobs["test"]
	var got []string
	for _, e := range test.Strategy.Matrix.Include {
		got = append(got, e["cli"]+" "+e["version"]+" identity="+e["identity"])
	}
	want := []string{"terraform 1.11.* identity=", "terraform latest identity=1", "opentofu 1.11.* identity=", "opentofu 1.12.* identity=1"}
	if !slices.Equal(got, want) {
		t.Errorf("test matrix = %q, want %q", got, want)
	}
	if test.Strategy.FailFast == nil || *test.Strategy.FailFast {
		t.Error("the test matrix must not fail fast: each CLI's result matters")
	}
	for action, wrapper := range map[string]string{"hashicorp/setup-terraform": "terraform_wrapper", "opentofu/setup-opentofu": "tofu_wrapper"} {
		s := test.uses(action)
		if s == nil || s.With[wrapper] != false {
			t.Errorf("the test job must set up %s with %s: false (the wrapper breaks terraform-plugin-testing)", action, wrapper)
		}
	}
	var makeTest *step
	for i, s := range test.Steps {
		if strings.TrimSpace(s.Run) == "make test" {
			makeTest = &test.Steps[i]
		}
	}
	if makeTest == nil {
		t.Fatal("the test job does not run make test")
	}
	for _, k := range []string{"KAFKATENANT_REQUIRE_PROMETHEUS", "KAFKATENANT_REQUIRE_LIBRDKAFKA", "KAFKATENANT_REQUIRE_KAFKAJS", "KAFKATENANT_REQUIRE_IDENTITY"} {
		if _, ok := makeTest.Env[k]; !ok {
			t.Errorf("make test in CI does not set %s: a missing tool would skip tests instead of failing them", k)
		}
	}
	if !strings.Contains(test.runs(), "TF_ACC_TERRAFORM_PATH") {
		t.Error("the test job does not point TF_ACC_TERRAFORM_PATH at the matrix CLI")
	}

	// The real Kafka cluster of docker-compose.yml, with the suite in
	// external mode.
	ext := w.Jobs["external"]
	if ext.Env["KAFKATENANT_ACC_EXTERNAL"] != "1" {
		t.Error("the external job does not set KAFKATENANT_ACC_EXTERNAL=1")
	}
	runs := ext.runs()
	for _, cmd := range []string{"docker compose --profile kafka up -d --wait", "make testacc", "make sweep", "docker compose --profile kafka down"} {
		if !strings.Contains(runs, cmd) {
			t.Errorf("the external job does not run %q", cmd)
		}
	}
	for _, s := range ext.Steps {
		if strings.Contains(s.Run, "docker compose down") && s.If != "always()" {
			t.Error("the external job must stop the cluster even when the tests fail (if: always())")
		}
	}
	compose, err := os.ReadFile(filepath.Join(root, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, addr := range strings.Split(ext.Env["KAFKATENANT_BOOTSTRAP_SERVERS"], ",") {
		_, port, _ := strings.Cut(addr, ":")
		if port == "" || !bytes.Contains(compose, []byte(port)) {
			t.Errorf("the external job's broker %q is not a port docker-compose.yml publishes", addr)
		}
	}
	if ext.Env["KAFKATENANT_SASL_MECHANISM"] != "SCRAM-SHA-512" || !bytes.Contains(compose, []byte("SCRAM-SHA-512")) {
		t.Error("the external job and docker-compose.yml must agree on SCRAM-SHA-512")
	}
}

func TestReleaseWorkflow(t *testing.T) {
	w := load(t, "release.yml")
	checkCommon(t, "release.yml", w)
	push, ok := w.On["push"].(map[string]any)
	if !ok || push["tags"] == nil {
		t.Fatal("release.yml must run on pushed tags")
	}
	if w.Permissions["contents"] != "write" || w.Permissions["packages"] != "write" {
		t.Error("release.yml needs contents: write to create the release and packages: write to push the dev cluster's image")
	}
	if len(w.Jobs) != 1 {
		t.Fatalf("release.yml has %d jobs, want 1", len(w.Jobs))
	}
	for _, j := range w.Jobs {
		checkout := j.uses("actions/checkout")
		if checkout == nil || checkout.With["fetch-depth"] != 0 {
			t.Error("the release checks out the whole history (fetch-depth: 0), which goreleaser needs")
		}
		gpg := j.uses("crazy-max/ghaction-import-gpg")
		if gpg == nil || gpg.ID == "" {
			t.Fatal("the release must import the GPG key in a step with an id")
		}
		for _, action := range []string{"docker/setup-qemu-action", "docker/setup-buildx-action", "docker/login-action"} {
			if j.uses(action) == nil {
				t.Errorf("the release does not use %s, which goreleaser's multi-platform image build needs", action)
			}
		}
		gr := j.uses("goreleaser/goreleaser-action")
		if gr == nil {
			t.Fatal("the release does not run goreleaser")
		}
		if args, _ := gr.With["args"].(string); !strings.HasPrefix(args, "release") {
			t.Errorf("goreleaser args = %q, want a release", args)
		}
		if v, _ := gr.With["version"].(string); !regexp.MustCompile(`^v2\.\d+\.\d+$`).MatchString(v) {
			t.Errorf("goreleaser version = %q, want an exact v2 version", v)
		}
		if gr.Env["GPG_FINGERPRINT"] != "${{ steps."+gpg.ID+".outputs.fingerprint }}" || gr.Env["GITHUB_TOKEN"] == "" {
			t.Errorf("goreleaser env = %v, want GPG_FINGERPRINT from step %s and GITHUB_TOKEN", gr.Env, gpg.ID)
		}
	}
}

// The goreleaser configuration signs the checksums with the key the
// release imports and ships the registry manifest among them.
func TestGoreleaserConfig(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, ".goreleaser.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Version int `yaml:"version"`
		Builds  []struct {
			Binary string `yaml:"binary"`
		} `yaml:"builds"`
		Dockers []struct {
			Dockerfile string `yaml:"dockerfile"`
			Use        string `yaml:"use"`
		} `yaml:"dockers"`
		Checksum struct {
			ExtraFiles []struct {
				Glob string `yaml:"glob"`
			} `yaml:"extra_files"`
		} `yaml:"checksum"`
		Signs []struct {
			Artifacts string   `yaml:"artifacts"`
			Args      []string `yaml:"args"`
		} `yaml:"signs"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	registryBinary := slices.ContainsFunc(cfg.Builds, func(b struct {
		Binary string `yaml:"binary"`
	}) bool {
		return strings.HasPrefix(b.Binary, "{{ .ProjectName }}_v")
	})
	if cfg.Version != 2 || !registryBinary {
		t.Errorf(".goreleaser.yml: version %d, builds %+v; want version 2 and the provider binary named as the registry expects", cfg.Version, cfg.Builds)
	}
	for _, d := range cfg.Dockers {
		if _, err := os.Stat(filepath.Join(root, d.Dockerfile)); err != nil || d.Use != "buildx" {
			t.Errorf(".goreleaser.yml image from %q with %q: want an existing Containerfile built with buildx (%v)", d.Dockerfile, d.Use, err)
		}
	}
	if len(cfg.Checksum.ExtraFiles) == 0 || cfg.Checksum.ExtraFiles[0].Glob != "terraform-registry-manifest.json" {
		t.Error(".goreleaser.yml: the checksums must include terraform-registry-manifest.json")
	}
	if _, err := os.Stat(filepath.Join(root, "terraform-registry-manifest.json")); err != nil {
		t.Error(err)
	}
	if len(cfg.Signs) != 1 || cfg.Signs[0].Artifacts != "checksum" || !slices.Contains(cfg.Signs[0].Args, "{{ .Env.GPG_FINGERPRINT }}") {
		t.Errorf(".goreleaser.yml signs = %+v, want the checksum signed with GPG_FINGERPRINT", cfg.Signs)
	}
}
