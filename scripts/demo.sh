#!/usr/bin/env bash
# The kafkatenant demo (`make demo`): on a machine with only Go, start the
# embedded dev cluster, build the provider, and run init, apply (whose end
# prints the outputs, once), a no-change plan, a plan that must be refused (refused/overcommit.tf, when
# the configuration has one) and destroy of examples/demo with a
# Terraform-compatible CLI, using the locally built provider through a
# development override. Everything lives in a temporary directory that is
# removed on exit, with the cluster. The shared steps are in demo-lib.sh.
#
# Environment:
#   KAFKATENANT_DEMO_PORTS  the dev cluster's loopback ports (default 19092,19093,19094)
#   KAFKATENANT_DEMO_DIR    the configuration to apply (default examples/demo)
#   TF_ACC_TERRAFORM_PATH   the CLI to use; otherwise terraform or tofu on PATH,
#                           else OpenTofu built from the Go module proxy into
#                           ~/.cache/kafkatenant (once, about 5-7 minutes)
set -euo pipefail

config_dir=${KAFKATENANT_DEMO_DIR:-$(cd "$(dirname "$0")/.." && pwd)/examples/demo}
# shellcheck source=scripts/demo-lib.sh
source "$(dirname "$0")/demo-lib.sh"
cd "$work"

TF_VAR_passwords=$(printf '{"london-payments":"%s","london-risk":"%s","paris-orders":"%s"}' "$(password)" "$(password)" "$(password)")
export TF_VAR_passwords

step "$(basename "$cli") init"
"$cli" init -input=false

# The apply ends with the outputs: each team's client properties, the
# capacity summary and a throttle status. They are not printed again.
step "$(basename "$cli") apply (its outputs end it)"
apply_without_warnings

step "$(basename "$cli") plan (must show no changes after the apply)"
case $(plan_exit_code) in
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
