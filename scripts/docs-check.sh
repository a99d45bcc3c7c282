#!/usr/bin/env bash
# Fails when docs/ is not what tfplugindocs generates from the current
# schema, examples/ and templates/, so that hand edits and forgotten
# `make docs` runs are caught in CI. The generation runs in a copy, so the
# working tree is never touched.
#
# Usage: scripts/docs-check.sh PROVIDER_NAME SCHEMA_JSON
# TOOL is the command that runs pinned tools (default: go tool -modfile=tools/go.mod).
set -euo pipefail

provider_name=${1:?provider name}
schema=$(realpath "${2:?schema JSON path}")
tool=${TOOL:-go tool -modfile=tools/go.mod}
root=$(cd "$(dirname "$0")/.." && pwd)

copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
for dir in docs examples templates; do
	if [[ -d "$root/$dir" ]]; then
		cp -R "$root/$dir" "$copy/$dir"
	fi
done

cd "$root"
if ! out=$($tool tfplugindocs generate --provider-dir "$copy" --provider-name "$provider_name" --providers-schema "$schema" 2>&1); then
	echo "$out" >&2
	echo "docs-check: tfplugindocs could not generate the docs (see above)." >&2
	exit 1
fi

# The environment table in the index template is prose, so check by hand
# that it names every KAFKATENANT_* variable the provider reads. A literal
# ending in "_" is the prefix of a family (KAFKATENANT_CAPACITY_<ATTRIBUTE>)
# and only needs the prefix named.
missing=()
while read -r var; do
	pattern="\`$var\`"
	[[ $var == *_ ]] && pattern="\`$var"
	grep -qF "$pattern" "$root/templates/index.md.tmpl" || missing+=("$var")
done < <(grep -rhoE '"KAFKATENANT_[A-Z_]+"' "$root/internal/provider" --include='*.go' --exclude='*_test.go' | tr -d '"' | sort -u)
if ((${#missing[@]} > 0)); then
	echo "docs-check: templates/index.md.tmpl does not document ${missing[*]}: add a row to its Environment Variables table, then run 'make docs'." >&2
	exit 1
fi

if [[ ! -d "$root/docs" ]]; then
	echo "docs-check: docs/ is missing. Run 'make docs' and commit the result." >&2
	exit 1
fi
if ! diff -ru "$root/docs" "$copy/docs" >&2; then
	echo >&2
	echo "docs-check: docs/ is stale: it differs from what the schema, examples/ and templates/ generate (diff above: left is docs/, right is freshly generated)." >&2
	echo "docs-check: run 'make docs' and commit docs/. Never edit docs/ by hand; change the schema's MarkdownDescription, examples/ or templates/ instead." >&2
	exit 1
fi
if ! out=$($tool tfplugindocs validate --provider-name "$provider_name" --providers-schema "$schema" 2>&1); then
	echo "$out" >&2
	echo "docs-check: tfplugindocs validate rejected docs/ (see above)." >&2
	exit 1
fi
echo "docs-check: docs/ is up to date and valid."
