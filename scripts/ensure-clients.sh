#!/usr/bin/env bash
# Makes sure the non-Go Kafka clients that the acceptance test
# TestAccClients_realClients logs in with are installed:
#
#   kcat and python3-confluent-kafka  Debian packages, both built on librdkafka
#   kafkajs 2.2.4                     npm package, installed into a cache
#                                     directory outside the repository
#
# Idempotent: installs only what is missing. The Debian packages are
# installed when running as root on Debian or Ubuntu; KafkaJS wherever npm
# is on PATH. Anywhere else the script explains how to install them and
# exits non-zero; the test then skips that client with the same advice.
#
# Environment:
#   KAFKAJS_DIR  where KafkaJS is installed (default: $XDG_CACHE_HOME or
#                ~/.cache, then kafkatenant/kafkajs-2.2.4); the test reads
#                the same variable
set -euo pipefail

kafkajs_version=2.2.4
kafkajs_dir=${KAFKAJS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kafkatenant/kafkajs-$kafkajs_version}
failed=0

say() { printf 'ensure-clients: %s\n' "$*"; }
problem() {
	printf 'ensure-clients: %s\n' "$*" >&2
	failed=1
}

have_python_client() {
	/usr/bin/python3 -c 'import confluent_kafka' 2>/dev/null
}

debian_manual="on Debian or Ubuntu run
  apt-get update && apt-get install -y --no-install-recommends kcat python3-confluent-kafka
as root."

if command -v kcat >/dev/null && have_python_client; then
	say "kcat and python3-confluent-kafka are installed"
else
	os_ids=""
	if [[ -r /etc/os-release ]]; then
		# shellcheck disable=SC1091
		os_ids=$(. /etc/os-release && echo " ${ID:-} ${ID_LIKE:-} ")
	fi
	if [[ $os_ids != *" debian "* && $os_ids != *" ubuntu "* ]]; then
		problem "kcat or python3-confluent-kafka is missing and this is not Debian or Ubuntu: install kcat and confluent-kafka-python (librdkafka) yourself; $debian_manual"
	elif [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
		problem "kcat or python3-confluent-kafka is missing and installing them needs root and apt-get: $debian_manual"
	else
		say "installing the Debian packages kcat and python3-confluent-kafka"
		export DEBIAN_FRONTEND=noninteractive
		if ! apt-get update -qq || ! apt-get install -y -qq --no-install-recommends kcat python3-confluent-kafka >/dev/null; then
			problem "apt-get could not install kcat and python3-confluent-kafka (see its errors above): $debian_manual"
		fi
	fi
fi
if command -v kcat >/dev/null && have_python_client; then
	say "using kcat $(kcat -V 2>&1 | sed -n 's/^Version \([^ ]*\).* librdkafka \([^ ]*\) .*/\1 on librdkafka \2/p') and confluent-kafka-python $(/usr/bin/python3 -c 'import confluent_kafka as c; print(c.version()[0], "on librdkafka", c.libversion()[0])')"
fi

kafkajs_manual="install it with
  npm install --prefix '$kafkajs_dir' --no-save --no-audit --no-fund kafkajs@$kafkajs_version"
if [[ -f $kafkajs_dir/node_modules/kafkajs/package.json ]]; then
	say "kafkajs $kafkajs_version is installed in $kafkajs_dir"
elif ! command -v npm >/dev/null || ! command -v node >/dev/null; then
	problem "KafkaJS needs node and npm on PATH (Node.js 14 or later); then $kafkajs_manual"
else
	say "installing kafkajs@$kafkajs_version into $kafkajs_dir"
	mkdir -p "$kafkajs_dir"
	if ! npm install --prefix "$kafkajs_dir" --no-save --no-audit --no-fund --loglevel=error "kafkajs@$kafkajs_version" >/dev/null; then
		problem "npm could not install kafkajs@$kafkajs_version (see its errors above); $kafkajs_manual"
	fi
fi

exit "$failed"
