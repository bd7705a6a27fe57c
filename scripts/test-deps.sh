#!/usr/bin/env bash
# Installs and starts what the tests need on a fresh Debian machine: a
# PostgreSQL server (when none answers on 127.0.0.1:5432), Debian's Chromium
# for the browser tests, Python 3 and aiosmtpd for the mail tests,
# Dovecot for the IMAP tests, Node.js/npm for the OpenAPI linter and axe-core for the browser tests'
# accessibility checks. It prints the
# PostgreSQL URL the tests should use as its last line of stdout.
set -euo pipefail

log() { printf 'test-deps: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_install() {
  if [ $apt_updated = 0 ]; then
    as_root apt-get update -qq >&2
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >&2
}

# PostgreSQL: use the one that answers, else install and start Debian's.
pg_url="${VOCDESK_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
pg_up() { command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; }
if ! pg_up; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    log "installing PostgreSQL"
    apt_install postgresql postgresql-client
  fi
  ver=$(ls /etc/postgresql | sort -n | tail -n 1)
  conf=/etc/postgresql/$ver/main
  # Trust local TCP connections: the test server is only reachable from this machine.
  if ! grep -q 'vocdesk-test' "$conf/pg_hba.conf"; then
    as_root sed -i '1i host all all 127.0.0.1/32 trust # vocdesk-test\nhost all all ::1/128 trust # vocdesk-test\nlocal all all trust # vocdesk-test' "$conf/pg_hba.conf"
  fi
  log "starting PostgreSQL $ver"
  as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { log "PostgreSQL did not start"; exit 1; }
fi
# The tests want a database named "test"; create it when missing.
if command -v psql >/dev/null; then
  if ! psql "$pg_url" -Atqc 'select 1' >/dev/null 2>&1; then
    log "creating database test"
    psql -h 127.0.0.1 -U postgres -d postgres -qc 'CREATE DATABASE test' >&2 || true
  fi
fi

# Chromium from Debian for the browser tests (no downloaded browser builds).
if ! command -v chromium >/dev/null; then
  log "installing chromium"
  apt_install chromium fonts-noto-cjk
fi

# Python 3 for the mail tests: smtplib is their SMTP client that is not Go's,
# and Debian's aiosmtpd (for the system /usr/bin/python3) their SMTP server.
if ! command -v python3 >/dev/null || ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
  log "installing python3 and python3-aiosmtpd"
  apt_install python3 python3-aiosmtpd
fi

# Debian's Dovecot for the IMAP polling tests: each test starts its own
# instance as the current user in a temp dir (mail/imap_dovecot_test.go), so
# the packaged service is stopped and left disabled.
if ! command -v dovecot >/dev/null && [ ! -x /usr/sbin/dovecot ]; then
  log "installing dovecot-imapd"
  apt_install dovecot-imapd
  as_root service dovecot stop >/dev/null 2>&1 || true
fi

# Node.js and npm for the OpenAPI linter.
if ! command -v npx >/dev/null; then
  log "installing nodejs and npm"
  apt_install nodejs npm
fi

# axe-core for the browser tests' accessibility checks (e2e/axe_test.go
# names the version): a pinned npm package in e2e/node_modules, not committed.
axe_version=4.11.0
root=$(cd "$(dirname "$0")/.." && pwd)
axe=$root/e2e/node_modules/axe-core
if [ ! -f "$axe/axe.min.js" ] || ! grep -q "\"version\": \"$axe_version\"" "$axe/package.json" 2>/dev/null; then
  log "installing axe-core $axe_version"
  npm install --no-save --no-audit --no-fund --prefix "$root/e2e" "axe-core@$axe_version" >&2
fi

echo "$pg_url"
