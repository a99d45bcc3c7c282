#!/usr/bin/env bash
# The kafkatenant demo (`make demo`): on a machine with only Go, start the
# embedded dev cluster, build the provider, and run init, apply (which prints
# the outputs), a
# no-change plan, a plan that must be refused (refused/overcommit.tf, when
# the configuration has one) and destroy of examples/demo with a
# Terraform-compatible CLI, using the locally built provider through a
# development override. Everything lives in a temporary directory that is
# removed on exit, with the cluster.
#
# Environment:
#   KAFKATENANT_DEMO_PORTS  the dev cluster's loopback ports (default 19092,19093,19094)
#   KAFKATENANT_DEMO_DIR    the configuration to apply (default examples/demo)
#   TF_ACC_TERRAFORM_PATH   the CLI to use; otherwise terraform or tofu on PATH,
#                           else OpenTofu built from the Go module proxy into
#                           ~/.cache/kafkatenant (once, about 5-7 minutes)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
ports=${KAFKATENANT_DEMO_PORTS:-19092,19093,19094}
config_dir=${KAFKATENANT_DEMO_DIR:-$root/examples/demo}
started=$SECONDS

current_step="starting"
step() {
	current_step=$*
	printf '\n==> [%3ds] %s\n' "$((SECONDS - started))" "$*"
}
fail() {
	printf '\ndemo: %s\n' "$*" >&2
	exit 1
}

command -v go >/dev/null || fail "Go is not on PATH; the demo needs only Go (https://go.dev/dl/)."
[[ -d "$config_dir" ]] || fail "no configuration directory at $config_dir"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kafkatenant-demo.XXXXXX")
cluster_pid=""
cleanup() {
	local rc=$?
	if [[ -n "$cluster_pid" ]] && kill -0 "$cluster_pid" 2>/dev/null; then
		echo "==> stopping the dev cluster (pid $cluster_pid)"
		kill -TERM "$cluster_pid" 2>/dev/null || true
		wait "$cluster_pid" 2>/dev/null || true
	fi
	if [[ $rc -ne 0 && -s "$tmp/devcluster.log" ]]; then
		echo "--- last lines of the dev cluster's log ---" >&2
		tail -n 20 "$tmp/devcluster.log" >&2
	fi
	rm -rf "$tmp"
	if [[ $rc -eq 0 ]]; then
		printf '\ndemo: done in %ds.\n' "$((SECONDS - started))"
	else
		printf '\ndemo: FAILED (exit %d) during: %s\n' "$rc" "$current_step" >&2
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cd "$root"

step "Building the provider into $tmp/plugins"
go build -o "$tmp/plugins/terraform-provider-kafkatenant" .

step "Building and starting the dev cluster on 127.0.0.1 ports $ports"
IFS=, read -r -a port_list <<<"$ports"
for p in "${port_list[@]}"; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		fail "port $p is already in use, probably by another dev cluster (make dev-cluster). Stop it, or choose free ports with KAFKATENANT_DEMO_PORTS=29192,29193,29194."
	fi
done
go build -o "$tmp/devcluster" ./internal/cmd/devcluster
"$tmp/devcluster" -ports "$ports" -env-file "$tmp/cluster.env" >"$tmp/devcluster.log" 2>&1 &
cluster_pid=$!

# The env file is written once the brokers listen; then the first port must
# accept connections.
for _ in $(seq 1 100); do
	kill -0 "$cluster_pid" 2>/dev/null || fail "the dev cluster exited during startup"
	if [[ -s "$tmp/cluster.env" ]] && (exec 3<>"/dev/tcp/127.0.0.1/${port_list[0]}") 2>/dev/null; then
		break
	fi
	sleep 0.2
done
[[ -s "$tmp/cluster.env" ]] || fail "the dev cluster did not start within 20 seconds"
# shellcheck source=/dev/null
source "$tmp/cluster.env"
echo "dev cluster up (pid $cluster_pid): brokers $KAFKATENANT_BOOTSTRAP_SERVERS, $KAFKATENANT_SASL_MECHANISM as $KAFKATENANT_SASL_USERNAME"

step "Resolving a Terraform-compatible CLI"
cli=$(go run ./internal/cmd/tfcli)

step "Writing a CLI config that overrides kafkatenant/kafkatenant with the local build"
# dev_overrides makes every command run the local build. `init` still looks
# the provider up (and would ask the public registry, where this build does
# not exist), so the same binary is also offered from a filesystem mirror
# and the registry is never asked for it. The mirror's version is 0.0.1
# because Terraform reads 0.0.0 as "no version" and finds no release. Both
# registry hosts are listed, so the same config serves Terraform and OpenTofu.
target="$(go env GOOS)_$(go env GOARCH)"
for host in registry.terraform.io registry.opentofu.org; do
	mkdir -p "$tmp/mirror/$host/kafkatenant/kafkatenant/0.0.1/$target"
	cp "$tmp/plugins/terraform-provider-kafkatenant" "$tmp/mirror/$host/kafkatenant/kafkatenant/0.0.1/$target/"
done
cat >"$tmp/terraform.rc" <<EOF
disable_checkpoint = true

provider_installation {
  dev_overrides {
    "registry.terraform.io/kafkatenant/kafkatenant" = "$tmp/plugins"
    "registry.opentofu.org/kafkatenant/kafkatenant" = "$tmp/plugins"
  }
  filesystem_mirror {
    path    = "$tmp/mirror"
    include = ["registry.terraform.io/kafkatenant/kafkatenant", "registry.opentofu.org/kafkatenant/kafkatenant"]
  }
  direct {
    exclude = ["registry.terraform.io/kafkatenant/kafkatenant", "registry.opentofu.org/kafkatenant/kafkatenant"]
  }
}
EOF
export TF_CLI_CONFIG_FILE="$tmp/terraform.rc" CHECKPOINT_DISABLE=1 TF_INPUT=0
cat "$TF_CLI_CONFIG_FILE"
echo "CLI: $cli ($("$cli" version | head -n 1))"

# The configuration's parent is copied too, so that relative module sources
# such as ../modules/tenant resolve as they do in the repository.
cp -R "$(dirname "$config_dir")" "$tmp/src"
work="$tmp/src/$(basename "$config_dir")"
cd "$work"
echo "configuration: ${config_dir#"$root"/} (copied to $work)"

# Tenant passwords come from the environment, as a secret store would hand
# them to a pipeline. They are random, never printed, and, being written to
# write-only attributes through an ephemeral variable, never stored.
password() { LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 24; }
TF_VAR_passwords=$(printf '{"london-payments":"%s","london-risk":"%s","paris-orders":"%s"}' "$(password)" "$(password)" "$(password)")
export TF_VAR_passwords

step "$(basename "$cli") init"
"$cli" init -input=false

# The apply ends with the outputs: each team's client properties, the
# capacity summary and a throttle status. They are not printed again.
step "$(basename "$cli") apply (its outputs end it)"
"$cli" apply -auto-approve -input=false 2>&1 | tee "$tmp/apply.log"
# A correct configuration applies without a warning from the provider; the
# CLI's own notice about the development override is expected.
ours=$(sed 's/\x1b\[[0-9;]*m//g' "$tmp/apply.log" | grep -o 'Warning: .*' | grep -v 'Provider development overrides are in effect' || true)
[[ -z $ours ]] || fail "the apply printed warnings from the provider for a correct configuration:
$ours"
echo "no warnings from the provider"

step "$(basename "$cli") plan (must show no changes after the apply)"
set +e
"$cli" plan -detailed-exitcode -input=false
plan_rc=$?
set -e
case $plan_rc in
0) echo "no changes: the cluster matches the configuration" ;;
2) fail "the plan after apply is not empty: the provider reports a perpetual diff" ;;
*) fail "the plan after apply failed" ;;
esac

if [[ -f refused/overcommit.tf ]]; then
	step "A quota that would overcommit the brokers is refused at plan time"
	cat refused/overcommit.tf
	cp refused/overcommit.tf ./overcommit.tf
	set +e
	"$cli" plan -input=false -no-color >"$tmp/refused.log" 2>&1
	refused_rc=$?
	set -e
	rm ./overcommit.tf
	if [[ $refused_rc -eq 0 ]] || ! grep -q "Quota Exceeds Declared Capacity" "$tmp/refused.log"; then
		cat "$tmp/refused.log"
		fail "the overcommitting quota was not refused"
	fi
	# The diagnostic, from its title to the end of its arithmetic.
	sed -n '/Error: Quota Exceeds Declared Capacity/,/oversubscription$/p' "$tmp/refused.log"
	echo "refused as expected; nothing was changed on the cluster"
fi

step "$(basename "$cli") destroy"
"$cli" destroy -auto-approve -input=false
