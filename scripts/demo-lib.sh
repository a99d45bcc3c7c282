#!/usr/bin/env bash
# Shared steps of the demos (scripts/demo.sh, scripts/demo-fair-share.sh),
# sourced by them: a temporary directory removed on exit with every process
# the demo started, the provider built and offered to the CLI through a
# development override, the embedded dev cluster, and a Terraform-compatible
# CLI. Each demo sets config_dir before sourcing this file.
#
# Environment:
#   KAFKATENANT_DEMO_PORTS  the dev cluster's loopback ports (default 19092,19093,19094)
#   TF_ACC_TERRAFORM_PATH   the CLI to use; otherwise terraform or tofu on PATH,
#                           else OpenTofu built from the Go module proxy (once, ~5 min)

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ports=${KAFKATENANT_DEMO_PORTS:-19092,19093,19094}
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
# Processes the demo started, by pid, with a name and log for messages.
background_pids=()
background_names=()
background_logs=()
cleanup() {
	local rc=$? i
	for i in "${!background_pids[@]}"; do
		local pid=${background_pids[$i]}
		if kill -0 "$pid" 2>/dev/null; then
			echo "==> stopping the ${background_names[$i]} (pid $pid)"
			kill -TERM "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
		fi
		if [[ $rc -ne 0 && -s "${background_logs[$i]}" ]]; then
			echo "--- last lines of the ${background_names[$i]}'s log ---" >&2
			tail -n 20 "${background_logs[$i]}" >&2
		fi
	done
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

# background NAME LOG COMMAND... starts a process the cleanup stops.
background() {
	local name=$1 log=$2
	shift 2
	"$@" >"$log" 2>&1 &
	background_pids+=("$!")
	background_names+=("$name")
	background_logs+=("$log")
}

# wait_for_file PID FILE WHAT waits up to 20 seconds for a process to write
# a file, failing if it exits first.
wait_for_file() {
	local pid=$1 file=$2 what=$3
	for _ in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || fail "the $what exited during startup"
		[[ -s "$file" ]] && return 0
		sleep 0.2
	done
	fail "the $what did not start within 20 seconds"
}

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
background "dev cluster" "$tmp/devcluster.log" "$tmp/devcluster" -ports "$ports" -env-file "$tmp/cluster.env"
cluster_pid=${background_pids[-1]}
# The env file is written once the brokers listen; then the first port must
# accept connections.
wait_for_file "$cluster_pid" "$tmp/cluster.env" "dev cluster"
for _ in $(seq 1 100); do
	(exec 3<>"/dev/tcp/127.0.0.1/${port_list[0]}") 2>/dev/null && break
	sleep 0.2
done
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
cat >"$tmp/terraform.rc" <<RC
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
RC
export TF_CLI_CONFIG_FILE="$tmp/terraform.rc" CHECKPOINT_DISABLE=1 TF_INPUT=0
cat "$TF_CLI_CONFIG_FILE"
echo "CLI: $cli ($("$cli" version | head -n 1))"

# The configuration's parent is copied too, so that relative module sources
# such as ../modules/tenant resolve as they do in the repository.
cp -R "$(dirname "$config_dir")" "$tmp/src"
work="$tmp/src/$(basename "$config_dir")"
echo "configuration: ${config_dir#"$root"/} (copied to $work)"

# password prints a random password. Tenant passwords come from the
# environment, as a secret store would hand them to a pipeline: random,
# never printed, and, written to write-only attributes through an ephemeral
# variable, never stored.
password() { LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 24; }

# apply_without_warnings applies and fails if the provider warned: a correct
# configuration applies without a warning from the provider; the CLI's own
# notice about the development override is expected.
apply_without_warnings() {
	"$cli" apply -auto-approve -input=false 2>&1 | tee "$tmp/apply.log"
	local ours
	ours=$(sed 's/\x1b\[[0-9;]*m//g' "$tmp/apply.log" | grep -o 'Warning: .*' | grep -v 'Provider development overrides are in effect' || true)
	[[ -z $ours ]] || fail "the apply printed warnings from the provider for a correct configuration:
$ours"
	echo "no warnings from the provider"
}

# plan_exit_code runs a plan with -detailed-exitcode and prints its code:
# 0 no changes, 2 changes, 1 failure.
plan_exit_code() {
	set +e
	"$cli" plan -detailed-exitcode -input=false "$@" >&2
	echo $?
	set -e
}
