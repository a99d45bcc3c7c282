#!/usr/bin/env bash
# The fair share demo (`make demo-fair-share`): on a machine with only Go,
# start the embedded dev cluster and a SYNTHETIC metrics endpoint
# (internal/cmd/demoexporter, standing in for the brokers' JMX exporters:
# the embedded cluster measures no traffic), apply examples/fair-share,
# then move demand from one tenant to another and show that the quotas
# follow in one apply, that a plan with unchanged demand is empty, and that
# changes within the hysteresis are not proposed. Then destroy everything.
# The shared steps are in demo-lib.sh.
#
# Environment:
#   KAFKATENANT_DEMO_PORTS          the dev cluster's loopback ports (default 19092,19093,19094)
#   KAFKATENANT_DEMO_METRICS_ADDR   the synthetic metrics endpoint's address (default 127.0.0.1:19099)
#   TF_ACC_TERRAFORM_PATH           the CLI to use (see demo-lib.sh)
set -euo pipefail

config_dir=$(cd "$(dirname "$0")/.." && pwd)/examples/fair-share
# shellcheck source=scripts/demo-lib.sh
source "$(dirname "$0")/demo-lib.sh"

step "Starting the synthetic metrics endpoint"
go build -o "$tmp/demoexporter" ./internal/cmd/demoexporter
cp "$work/demand-1.json" "$tmp/demand.json"
background "metrics endpoint" "$tmp/demoexporter.log" "$tmp/demoexporter" \
	-addr "${KAFKATENANT_DEMO_METRICS_ADDR:-127.0.0.1:19099}" -rates "$tmp/demand.json" -ready-file "$tmp/metrics.url"
wait_for_file "${background_pids[-1]}" "$tmp/metrics.url" "metrics endpoint"
KAFKATENANT_METRICS_ENDPOINTS=$(cat "$tmp/metrics.url")
export KAFKATENANT_METRICS_ENDPOINTS
echo "SYNTHETIC JMX exporter text at $KAFKATENANT_METRICS_ENDPOINTS (KAFKATENANT_METRICS_ENDPOINTS)"

cd "$work"
TF_VAR_passwords=$(printf '{"orders":"%s","search":"%s","analytics":"%s"}' "$(password)" "$(password)" "$(password)")
export TF_VAR_passwords

# demand FILE shows and serves a demand file: per user, the bytes per second
# produced and fetched and the request percentage on each broker.
demand() {
	cp "$1" "$tmp/demand.json"
	echo "observed demand per broker (synthetic, $1):"
	cat "$1"
}


step "$(basename "$cli") init"
"$cli" init -input=false

step "Orders is busy, search is light, analytics is idle: apply the fair share"
demand demand-1.json
apply_without_warnings
step "The quotas, and why"
"$cli" output quotas
"$cli" output explanations
"$cli" output totals

step "$(basename "$cli") plan with the same demand (must show no changes)"
case $(plan_exit_code) in
0) echo "no changes: the same inputs give the same quotas" ;;
2) fail "the plan with unchanged demand is not empty: the fair share is not deterministic" ;;
*) fail "the plan failed" ;;
esac

step "Demand moves: orders goes quiet, analytics starts a batch (plan must propose new quotas)"
demand demand-2.json
case $(plan_exit_code) in
2) echo "the quotas follow the demand" ;;
0) fail "the plan proposes no change although demand moved" ;;
*) fail "the plan failed" ;;
esac

step "Apply the new quotas in one apply (one quota rises while another falls)"
apply_without_warnings
"$cli" output quotas
"$cli" output explanations

step "Demand wobbles by about 2%: within the 5% hysteresis, no quota change is proposed"
demand demand-3.json
# The explanations (an output) say which quotas were kept and what was
# computed; the quotas themselves must not change. A plan that changes
# resources prints "Plan: N to add, N to change, N to destroy".
"$cli" plan -input=false -no-color 2>&1 | tee "$tmp/wobble.log"
if grep -q '^Plan: ' "$tmp/wobble.log"; then
	fail "a quota change within the hysteresis was proposed"
fi
grep -q 'hysteresis' "$tmp/wobble.log" || fail "the explanations do not say the hysteresis kept the quotas"
echo "no quota changes: the hysteresis holds them"

step "$(basename "$cli") destroy"
"$cli" destroy -auto-approve -input=false
