package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tfcli"
)

// TestRun_matchesTerraform compares the export with what the Terraform CLI
// itself prints for the built provider, so the format cannot drift from
// the real one. It builds the provider and runs the CLI, so it runs with
// the acceptance tests (TF_ACC=1).
func TestRun_matchesTerraform(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("builds the provider and runs the Terraform CLI; set TF_ACC=1")
	}
	ctx := context.Background()
	cli, err := tfcli.Resolve(ctx, func(msg string) { t.Log(msg) })
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(bin, "terraform-provider-kafkatenant"),
		"github.com/kafkatenant/terraform-provider-kafkatenant")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	// OpenTofu resolves the short source against its own registry host.
	host := "registry.terraform.io"
	if cli.OpenTofu {
		host = "registry.opentofu.org"
	}
	rc := filepath.Join(dir, "terraform.rc")
	writeFile(t, rc, "provider_installation {\n  dev_overrides {\n    \""+host+"/kafkatenant/kafkatenant\" = \""+bin+"\"\n  }\n  direct {}\n}\n")
	work := filepath.Join(dir, "work")
	writeFile(t, filepath.Join(work, "main.tf"),
		"terraform {\n  required_providers {\n    kafkatenant = { source = \"kafkatenant/kafkatenant\" }\n  }\n}\n")

	cmd := exec.CommandContext(ctx, cli.Path, "providers", "schema", "-json")
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	fromCLI, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s providers schema -json: %v\n%s", cli.Path, err, stderr.String())
	}
	want := strings.Replace(string(fromCLI), host+"/kafkatenant/kafkatenant", providerSource, 1)

	out := filepath.Join(dir, "schema.json")
	if err := run(ctx, out, providerSource); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	assertSameJSONText(t, withoutWhatTheCLIOmits(t, string(data), want, cli.Path), want)
}

// newerSchemaKinds are the kinds of schema a CLI prints only from some
// version on: resource identities from Terraform and OpenTofu 1.12, list
// resources and actions from Terraform 1.14.
var newerSchemaKinds = []string{"resource_identity_schemas", "list_resource_schemas", "action_schemas"}

// withoutWhatTheCLIOmits drops from got the newer kinds of schema that the
// CLI's own output (want) leaves out, because the CLI predates them, so
// that the rest is still compared; a kind the CLI prints is compared in
// full.
func withoutWhatTheCLIOmits(t *testing.T, got, want, cli string) string {
	t.Helper()
	provider := func(doc string) (map[string]any, map[string]any) {
		var v map[string]any
		if err := json.Unmarshal([]byte(doc), &v); err != nil {
			t.Fatal(err)
		}
		schemas, _ := v["provider_schemas"].(map[string]any)
		p, _ := schemas[providerSource].(map[string]any)
		return v, p
	}
	doc, ours := provider(got)
	_, theirs := provider(want)
	for _, kind := range newerSchemaKinds {
		if _, printed := theirs[kind]; !printed && ours[kind] != nil {
			t.Logf("%s does not print %s, which it predates; comparing the rest", cli, kind)
			delete(ours, kind)
		}
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// assertSameJSON fails unless got encodes to the same JSON value as want.
func assertSameJSON(t *testing.T, got any, want string) {
	t.Helper()
	data, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	assertSameJSONText(t, string(data), want)
}

func assertSameJSONText(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("got invalid JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want invalid JSON: %v\n%s", err, want)
	}
	if !reflect.DeepEqual(g, w) {
		gi, _ := json.MarshalIndent(g, "", "  ")
		wi, _ := json.MarshalIndent(w, "", "  ")
		t.Errorf("JSON differs\n got: %s\nwant: %s", gi, wi)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
