#!/bin/sh
# Installs the Debian packages mod_pamps needs to build, run and test.
# Idempotent, no prompts; does nothing when all are present.
# PAMPS_DEPS_EXTRA adds packages (make deb: debhelper and the like).
set -eu
PKGS="apache2 apache2-dev libaprutil1-dev libaprutil1-dbd-sqlite3 libaprutil1-dbd-pgsql
libjansson-dev libjwt-dev libargon2-dev libsqlite3-dev sqlite3 postgresql libcmocka-dev
wrk apache2-utils python3-pytest python3-requests pkg-config gcc make
clang libclang-rt-14-dev cppcheck bear clang-format
${PAMPS_DEPS_EXTRA:-}"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
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

# the OpenAPI validator the tests run under node (tests/openapi/validate.js),
# installed into build/npm, never committed
if command -v npm >/dev/null && [ ! -d build/npm/node_modules/@apidevtools/swagger-parser ]; then
    npm install --prefix build/npm --no-audit --no-fund @apidevtools/swagger-parser@12
fi
