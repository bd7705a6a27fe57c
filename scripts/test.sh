#!/usr/bin/env bash
# The one test command: installs what the tests need, then runs the linters,
# the OpenAPI linter and every test (race detector on) against SQLite and a
# real PostgreSQL, including the browser tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

VOCDESK_TEST_POSTGRES=$(scripts/test-deps.sh | tail -n 1)
export VOCDESK_TEST_POSTGRES
export VOCDESK_CHROMIUM="${VOCDESK_CHROMIUM:-$(command -v chromium)}"
# The IMAP tests skip without Dovecot on a developer's machine; here they must run.
export VOCDESK_REQUIRE_DOVECOT=1

echo "== build (CGO_ENABLED=0: the binary is static)"
CGO_ENABLED=0 go build -o /dev/null ./cmd/vocdesk

echo "== lint"
make --no-print-directory lint

echo "== OpenAPI lint"
scripts/openapi-lint.sh

echo "== tests (SQLite and PostgreSQL at $VOCDESK_TEST_POSTGRES)"
# The slowest packages first: go test runs as many at once as there are
# cores, in the order given, so the small ones fill in beside the last big
# ones instead of leaving two big ones to run alone at the end.
go test -race -count=1 -timeout 30m ./sqlstore ./e2e ./web ./crashtest ./web/ui ./demo ./cmd/vocdesk ./mail ./...
