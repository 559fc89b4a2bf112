# Shared by ops/run and ops/test: PostgreSQL, the build environment, tools. Sourced, not run.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/vitrine-target}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_ROLE=vitrine
# Queries are checked at compile time against this database, rebuilt from migrations/.
export VITRINE_SCHEMA_DATABASE_URL="postgres://$PG_ROLE:$PG_ROLE@$PG_HOST/vitrine_schema"
unset DATABASE_URL

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs SQL as a PostgreSQL superuser: the local `postgres` account when we are root, else the
# current user over TCP (trust authentication on a developer machine).
as_superuser() {
  if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
    su postgres -c "psql -v ON_ERROR_STOP=1 -qtAX $*"
  else
    psql -h "$PG_HOST" -U postgres -v ON_ERROR_STOP=1 -qtAX "$@"
  fi
}

ensure_postgres() {
  command -v psql >/dev/null || die "PostgreSQL is not installed: apt-get install -y postgresql"
  if ! pg_isready -q -h "$PG_HOST"; then
    if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
      say "starting PostgreSQL"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
      for _ in $(seq 1 30); do pg_isready -q -h "$PG_HOST" && break; sleep 0.5; done
    fi
    pg_isready -q -h "$PG_HOST" || die "PostgreSQL does not answer on $PG_HOST:5432; start it and retry"
  fi
  local exists
  exists=$(as_superuser -c "\"SELECT 1 FROM pg_roles WHERE rolname = '$PG_ROLE'\"")
  if [ "$exists" != 1 ]; then
    say "creating the PostgreSQL role $PG_ROLE"
    as_superuser -c "\"CREATE ROLE $PG_ROLE LOGIN PASSWORD '$PG_ROLE' CREATEDB\""
  fi
}

# create_database NAME: creates it, owned by the vitrine role, when missing.
create_database() {
  local exists
  exists=$(psql "postgres://$PG_ROLE:$PG_ROLE@$PG_HOST/postgres" -qtAX -c "SELECT 1 FROM pg_database WHERE datname = '$1'")
  [ "$exists" = 1 ] || psql "postgres://$PG_ROLE:$PG_ROLE@$PG_HOST/postgres" -q -c "CREATE DATABASE \"$1\""
}

drop_database() {
  psql "postgres://$PG_ROLE:$PG_ROLE@$PG_HOST/postgres" -q -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)"
}

# The compile-time schema: dropped and rebuilt from migrations/ whenever they changed.
prepare_schema_database() {
  local stamp="$CARGO_TARGET_DIR/vitrine-schema.sha" sum
  sum=$(cat "$REPO_ROOT"/migrations/*.sql | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] \
     && psql "$VITRINE_SCHEMA_DATABASE_URL" -qtAX -c 'SELECT 1' >/dev/null 2>&1; then
    return
  fi
  say "rebuilding the schema database from migrations/"
  drop_database vitrine_schema
  create_database vitrine_schema
  for migration in "$REPO_ROOT"/migrations/*.sql; do
    psql "$VITRINE_SCHEMA_DATABASE_URL" -q -v ON_ERROR_STOP=1 -1 -f "$migration" >/dev/null
  done
  mkdir -p "$CARGO_TARGET_DIR"
  echo "$sum" > "$stamp"
}

ensure_node() {
  command -v node >/dev/null || die "Node.js is not installed: apt-get install -y nodejs npm (Node 20 or later)"
  command -v npm >/dev/null || die "npm is not installed: apt-get install -y npm"
}

# npm_install DIR: installs exactly the lock file's packages when they changed.
npm_install() {
  local dir="$1" stamp="$1/node_modules/.vitrine-lock.sha" sum
  sum=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then return; fi
  say "installing npm packages in ${dir#"$REPO_ROOT"/}"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$sum" > "$stamp"
}

# ensure_moto: moto's S3-compatible server for the media tests, in a virtual environment
# shared by clones like the cargo target folder.
MOTO_VERSION=5.2.5
ensure_moto() {
  local venv="${VITRINE_VENV:-$HOME/.cache/vitrine-venv}"
  export VITRINE_TEST_MOTO_SERVER="$venv/bin/moto_server"
  [ -x "$VITRINE_TEST_MOTO_SERVER" ] && [ -f "$venv/.moto-$MOTO_VERSION" ] && return
  command -v python3 >/dev/null || die "Python 3 is needed for the S3 test server: apt-get install -y python3 python3-venv"
  say "installing moto $MOTO_VERSION (an S3-compatible server for tests)"
  python3 -m venv "$venv" 2>/dev/null || die "Python's venv module is missing: apt-get install -y python3-venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  touch "$venv/.moto-$MOTO_VERSION"
}

# ensure_weasyprint: the pinned WeasyPrint the worker makes PDFs with, in its own virtual
# environment (shared by clones like the cargo target folder). It needs the system's Pango.
WEASYPRINT_VERSION=70.0
ensure_weasyprint() {
  local venv="${VITRINE_WEASYPRINT_VENV:-$HOME/.cache/vitrine-weasyprint}"
  export VITRINE_PDF_PYTHON="$venv/bin/python"
  [ -x "$VITRINE_PDF_PYTHON" ] && [ -f "$venv/.weasyprint-$WEASYPRINT_VERSION" ] && return
  command -v python3 >/dev/null || die "Python 3 is needed for PDF export: apt-get install -y python3 python3-venv"
  if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0; then
    [ "$(id -u)" = 0 ] || die "Pango is needed for PDF export: apt-get install -y libpango-1.0-0 libpangoft2-1.0-0"
    say "installing Pango"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null
  fi
  say "installing WeasyPrint $WEASYPRINT_VERSION"
  python3 -m venv "$venv" 2>/dev/null || die "Python's venv module is missing: apt-get install -y python3-venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "weasyprint==$WEASYPRINT_VERSION"
  touch "$venv/.weasyprint-$WEASYPRINT_VERSION"
}

# ensure_geoip: the country database the platform ships with (ip-location-db's, from npm).
ensure_geoip() {
  npm_install "$REPO_ROOT/ops/geoip"
  export VITRINE_GEOIP_DB=${VITRINE_GEOIP_DB:-$REPO_ROOT/ops/geoip/node_modules/@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb}
}

# ensure_poppler: pdftotext, pdfinfo and pdftoppm, which the tests read PDFs with.
ensure_poppler() {
  command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null && return
  [ "$(id -u)" = 0 ] || die "poppler-utils is needed for the PDF tests: apt-get install -y poppler-utils"
  say "installing poppler-utils"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
}

# ensure_chromium: Debian's Chromium for browser tests and the editor benchmark.
# Pebble, a real ACME server, and its DNS test server, for the router's TLS tests.
ensure_pebble() {
  if ! command -v pebble >/dev/null || ! command -v pebble-challtestsrv >/dev/null; then
    [ "$(id -u)" = 0 ] || die "Pebble is needed for the TLS tests: apt-get install -y pebble"
    say "installing Pebble"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pebble >/dev/null
  fi
}

ensure_chromium() {
  CHROMIUM_PATH=${CHROMIUM_PATH:-$(command -v chromium || command -v chromium-browser || true)}
  if [ -z "$CHROMIUM_PATH" ]; then
    [ "$(id -u)" = 0 ] || die "Chromium is needed for the browser tests and benchmarks: apt-get install -y chromium"
    say "installing Chromium"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    CHROMIUM_PATH=$(command -v chromium)
  fi
  export CHROMIUM_PATH
}
