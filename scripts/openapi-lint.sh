#!/usr/bin/env bash
# Lints the OpenAPI document the server publishes with Redocly's linter.
set -euo pipefail
cd "$(dirname "$0")/.."
doc=web/openapi.json
[ -f "$doc" ] || { echo "openapi-lint: $doc is missing" >&2; exit 1; }
npx --yes @redocly/cli@2.77.0 lint --config scripts/redocly.yaml "$doc"
