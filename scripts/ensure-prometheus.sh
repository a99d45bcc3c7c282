#!/usr/bin/env bash
# Makes sure a `prometheus` server binary is on PATH for the tests of
# internal/metrics, which start their own Prometheus on a loopback port
# with a temporary configuration and data directory.
#
# Idempotent: does nothing when `prometheus` is already on PATH. Otherwise,
# when running as root on Debian or Ubuntu, installs the distribution's
# `prometheus` package without starting its system service (the tests never
# use it, and a service on :9090 would only get in the way). Anywhere else
# it explains how to install Prometheus and exits non-zero.
#
# Environment:
#   PROMETHEUS  a Prometheus binary to use instead of the one on PATH
set -euo pipefail

fail() {
	printf 'ensure-prometheus: %s\n' "$*" >&2
	exit 1
}

report() {
	printf 'ensure-prometheus: using %s (%s)\n' "$1" "$("$1" --version 2>&1 | head -n 1)"
}

if [[ -n ${PROMETHEUS:-} ]]; then
	[[ -x $PROMETHEUS ]] || fail "PROMETHEUS=$PROMETHEUS is not an executable file."
	report "$PROMETHEUS"
	exit 0
fi
if bin=$(command -v prometheus); then
	report "$bin"
	exit 0
fi

manual="Install Prometheus 2.x or later so that \`prometheus\` is on PATH: on Debian or Ubuntu run
  apt-get update && apt-get install -y --no-install-recommends prometheus
as root; elsewhere download a release from https://prometheus.io/download/ and put its
\`prometheus\` binary on PATH (or set PROMETHEUS to its path for the tests)."

os_id=""
os_like=""
if [[ -r /etc/os-release ]]; then
	# shellcheck disable=SC1091
	os_id=$(. /etc/os-release && echo "${ID:-}")
	# shellcheck disable=SC1091
	os_like=$(. /etc/os-release && echo "${ID_LIKE:-}")
fi
case " $os_id $os_like " in
*" debian "* | *" ubuntu "*) ;;
*) fail "prometheus is not on PATH and this is not Debian or Ubuntu, so it cannot be installed automatically. $manual" ;;
esac
[[ $(id -u) -eq 0 ]] || fail "prometheus is not on PATH and installing it needs root. $manual"
command -v apt-get >/dev/null || fail "prometheus is not on PATH and apt-get is missing. $manual"

# policy-rc.d answering 101 ("action forbidden") stops the package's
# maintainer scripts from starting the prometheus service, with or without
# systemd. Only a policy we created ourselves is removed again.
policy=/usr/sbin/policy-rc.d
created_policy=false
if [[ ! -e $policy ]]; then
	printf '#!/bin/sh\n# Written by kafkatenant scripts/ensure-prometheus.sh during a package install.\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	created_policy=true
fi
cleanup() {
	if $created_policy; then
		rm -f "$policy"
	fi
}
trap cleanup EXIT

echo "ensure-prometheus: installing the Debian package prometheus (its service is not started)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || fail "apt-get update failed; check the network and /etc/apt/sources.list. $manual"
apt-get install -y -qq --no-install-recommends prometheus >/dev/null ||
	fail "apt-get install prometheus failed (see its errors above). $manual"

bin=$(command -v prometheus) || fail "the prometheus package is installed but no prometheus binary is on PATH. $manual"
report "$bin"
