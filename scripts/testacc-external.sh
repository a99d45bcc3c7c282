#!/usr/bin/env bash
# Runs the acceptance suite against a cluster outside the test process, the
# way it runs against a containerised or real cluster: the dev cluster
# binary is built and started as a process of its own on loopback ports the
# system chooses, with its state in a data directory. Every test of every
# run shares that one long-lived cluster, reached over the network through
# the KAFKATENANT_* variables with KAFKATENANT_ACC_EXTERNAL=1. The suite
# runs ACC_EXTERNAL_RUNS times in a row (default 2) without restarting the
# cluster, so a test that needs an empty cluster or leaves something behind
# that breaks the next run fails. Then the sweepers run (make sweep): they
# must find nothing, since every test destroys what it creates, and must
# leave no test object behind. Then the cluster is stopped.
#
# Environment: GO (default go), TEST_TIMEOUT (default 80m), TESTARGS (extra
# go test flags), ACC_EXTERNAL_RUNS (default 2).
set -euo pipefail

cd "$(dirname "$0")/.."
go=${GO:-go}
runs=${ACC_EXTERNAL_RUNS:-2}
timeout=${TEST_TIMEOUT:-80m}
read -r -a extra <<<"${TESTARGS:-}"

work=$(mktemp -d "${TMPDIR:-/tmp}/kafkatenant-external.XXXXXX")
pid=
cleanup() {
	status=$?
	if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		wait "$pid" || true
	fi
	if ((status != 0)) && [[ -s $work/devcluster.log ]]; then
		echo "--- the dev cluster's output (last 40 lines)"
		tail -n 40 "$work/devcluster.log"
	fi
	rm -rf "$work"
	exit "$status"
}
trap cleanup EXIT

echo "=== building the dev cluster"
"$go" build -o "$work/devcluster" ./internal/cmd/devcluster
mkdir "$work/data"
"$work/devcluster" -ports 0,0,0 -data-dir "$work/data" -env-file "$work/cluster.env" >"$work/devcluster.log" 2>&1 &
pid=$!

# The dev cluster writes the env file once its brokers listen.
for ((i = 0; i < 300; i++)); do
	[[ -s $work/cluster.env ]] && break
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "the dev cluster exited before it was ready" >&2
		exit 1
	fi
	sleep 0.1
done
if [[ ! -s $work/cluster.env ]]; then
	echo "the dev cluster did not write $work/cluster.env within 30 s" >&2
	exit 1
fi
# shellcheck disable=SC1091
source "$work/cluster.env"
export KAFKATENANT_ACC_EXTERNAL=1
echo "dev cluster: process $pid at $KAFKATENANT_BOOTSTRAP_SERVERS, state in $work/data"

for ((run = 1; run <= runs; run++)); do
	echo "=== acceptance suite against the external cluster, run $run of $runs"
	started=$SECONDS
	TF_ACC=1 "$go" test -count=1 -timeout "$timeout" -run TestAcc "${extra[@]}" ./...
	echo "run $run took $((SECONDS - started)) s"
done

# The suite passed, so every test destroyed what it created: the sweep
# should find nothing, and fails if it does (after removing it).
echo "=== sweeping test objects and checking that none is left"
KAFKATENANT_ACC_EXPECT_SWEPT=1 "$go" test ./internal/provider -count=1 -v -sweep=all -timeout 30m
