#!/bin/sh
# Installs the Debian packages mod_pamps needs to build, run and test.
# Idempotent, no prompts; does nothing when all are present.
# PAMPS_DEPS_EXTRA adds packages (make deb: debhelper and the like).
set -eu
PKGS="apache2 apache2-dev libaprutil1-dev libaprutil1-dbd-sqlite3 libaprutil1-dbd-pgsql
libjansson-dev libjwt-dev libargon2-dev libsqlite3-dev sqlite3 postgresql libcmocka-dev
wrk apache2-utils python3-pytest python3-requests python3-jsonschema pkg-config gcc make
clang libclang-rt-14-dev cppcheck bear clang-format chromium gdb
${PAMPS_DEPS_EXTRA:-}"
top=$(cd "$(dirname "$0")/.." && pwd)

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
# node's npm, from Debian unless a node that brings its own is installed
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
    echo "installing:$missing"
    if [ "$(id -u)" != 0 ]; then
        SUDO=sudo
    else
        SUDO=
    fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -q --no-install-recommends $missing
fi

# Swagger UI for GET /docs and playwright-core for the browser tests, at the
# versions web/package-lock.json pins, into web/node_modules (not committed).
# No install scripts run (swagger-ui-dist's would report to an analytics
# service); the lock's hashes are checked.
if [ ! -f "$top/web/node_modules/.package-lock.json" ] ||
   [ "$top/web/package-lock.json" -nt "$top/web/node_modules/.package-lock.json" ]; then
    echo "installing web/node_modules (npm ci)"
    (cd "$top/web" && SCARF_ANALYTICS=false npm ci --ignore-scripts --no-audit --no-fund)
fi

# the OpenAPI validator the tests run under node (tests/openapi/validate.js),
# installed into build/npm, never committed
if [ ! -d "$top/build/npm/node_modules/@apidevtools/swagger-parser" ]; then
    npm install --prefix "$top/build/npm" --no-audit --no-fund @apidevtools/swagger-parser@12
fi
