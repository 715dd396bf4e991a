#!/bin/sh
# make test-deb: the .deb in this machine's stock Apache, as an admin would
# use it, then purged, leaving the machine as it was found (checked).
#  1. installed, purged with the default answer: the database is kept;
#  2. installed again: disabled until a2enmod, key and data directory made;
#     a2enmod pamps; Apache started from /etc/apache2 with Debian's envvars
#     (its run, lock and log directories redirected to a private one) on a
#     free loopback port; an admin made with the packaged pamps; the e2e
#     smoke tests run against it; stopped; purged with
#     libapache2-mod-pamps/purge_database true: no file of it is left.
# usage: test_deb.sh TOP DEB_DIR
set -eu
top=$1 debdir=$2
PKG=libapache2-mod-pamps
KEY=/etc/apache2/pamps-jwt.key
DATA=/var/lib/pamps
DB=$DATA/pamps.db
# what the package or the test may touch, compared before and after
WATCHED="/etc/apache2 /var/lib/apache2 /usr/lib/apache2/modules /usr/bin/pamps
/usr/share/pamps /usr/share/doc/$PKG /usr/share/man/man8 /var/lib/pamps /var/log/apache2"

say() { printf 'test-deb: %s\n' "$*"; }
fail() { say "FAIL: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "needs root (dpkg -i, a2enmod)"
deb=
for f in "$debdir/${PKG}"_*.deb; do
    if [ -e "$f" ]; then deb=$f; fi
done
[ -n "$deb" ] || fail "no $PKG .deb in $debdir (make deb)"
# a machine that has mod_pamps already is not for this test to change
if dpkg-query -W -f='${Status}' $PKG 2>/dev/null | grep -qv 'not-installed'; then
    fail "$PKG is installed (or its config files are): this test installs and purges it"
fi
for f in $DATA $KEY /etc/apache2/mods-available/pamps.load \
         /etc/apache2/mods-available/pamps.conf /usr/lib/apache2/modules/mod_pamps.so; do
    [ ! -e "$f" ] || fail "$f exists (make install?): this test would change it"
done

work=$(mktemp -d /tmp/pamps-test-deb.XXXXXX)
chmod 755 "$work"
snapshot() {
    # shellcheck disable=SC2086
    find $WATCHED -printf '%p %y %m %u:%g %s\n' 2>/dev/null | sort
}
snapshot > "$work/before"
# the package's paths that exist already (/usr/bin, ...) may stay
dpkg-deb -c "$deb" | awk '{ sub(/^\./, "", $6); sub(/\/$/, "", $6); print ($6 == "" ? "/" : $6) }' |
    while read -r f; do if [ -e "$f" ]; then echo "$f"; fi; done > "$work/preexisting"
state_dirs=""
for d in enabled_by_admin disabled_by_admin disabled_by_maint; do
    [ -d /var/lib/apache2/module/$d ] || state_dirs="$state_dirs /var/lib/apache2/module/$d"
done
dbd_was_enabled=no
[ -e /etc/apache2/mods-enabled/dbd.load ] && dbd_was_enabled=yes

# Debian's environment for apache2 (as apache2ctl sets it), with the run,
# lock and log directories in $work: the machine's own stay untouched
apache() {
    (
        export APACHE_CONFDIR=/etc/apache2
        # shellcheck disable=SC1091
        . /etc/apache2/envvars
        export APACHE_RUN_DIR="$work/run" APACHE_LOCK_DIR="$work/lock" \
               APACHE_LOG_DIR="$work/log" APACHE_PID_FILE="$work/run/apache2.pid"
        /usr/sbin/apache2 -d /etc/apache2 -f "$work/apache2.conf" "$@"
    )
}
stop_apache() {
    if [ -s "$work/run/apache2.pid" ]; then
        pid=$(cat "$work/run/apache2.pid")
        apache -k stop || true
        n=0
        while kill -0 "$pid" 2>/dev/null && [ $n -lt 100 ]; do
            sleep 0.1
            n=$((n + 1))
        done
    fi
}
# a2enmod pamps enabled mod_dbd: disabled again, without a trace in
# a2enmod's state (-p) or the state directories it made
restore_dbd() {
    [ $dbd_was_enabled = yes ] || a2dismod -q -f -p dbd
    # shellcheck disable=SC2086
    [ -z "$state_dirs" ] || rmdir $state_dirs 2>/dev/null || true
}
cleanup() {
    rc=$?
    stop_apache
    if dpkg-query -W -f='${Status}' $PKG 2>/dev/null | grep -qv 'not-installed'; then
        dpkg --purge $PKG >/dev/null 2>&1 || true
    fi
    echo PURGE | debconf-communicate $PKG >/dev/null 2>&1 || true
    restore_dbd >/dev/null 2>&1 || true
    rm -rf "$DATA"          # absent when the test began
    if [ $rc = 0 ]; then
        rm -rf "$work"
    else
        say "failed (exit $rc); kept $work for a look" >&2
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- 1. the default purge keeps the database ---------------------------
say "installing $(basename "$deb")"
dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i"; }
runuser -u www-data -- pamps migrate --db sqlite3:$DB >/dev/null
dpkg --purge $PKG >>"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg --purge"; }
[ -f $DB ] || fail "purge with the default answer removed the database"
[ ! -e $KEY ] || fail "purge left $KEY"
say "purge kept $DB by default, removed the key"
rm -rf "$DATA"

# --- 2. installed and used ---------------------------------------------
echo "$PKG $PKG/purge_database boolean true" | debconf-set-selections
dpkg -i "$deb" >>"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i"; }
[ ! -e /etc/apache2/mods-enabled/pamps.load ] || fail "the module is enabled on install"
[ "$(stat -c '%U:%G %a' $KEY)" = "root:www-data 640" ] ||
    fail "key: $(stat -c '%U:%G %a' $KEY), want root:www-data 640"
[ "$(stat -c '%U:%G' $DATA)" = "www-data:www-data" ] || fail "$DATA is not www-data's"
version=$(dpkg-query -W -f='${Version}' $PKG)
pamps --version | grep -q "^pamps ${version%-*} " ||
    fail "pamps --version: $(pamps --version), package $version"
a2enmod -q pamps
[ -e /etc/apache2/mods-enabled/dbd.load ] || fail "a2enmod pamps did not enable dbd"

port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/run" "$work/lock" "$work/log"
# the stock apache2.conf, but listening on the loopback port instead of
# ports.conf's; and the environment name the smoke tests check
sed "s|^Include ports.conf\$|Listen 127.0.0.1:$port|" /etc/apache2/apache2.conf \
    > "$work/apache2.conf"
grep -q "^Listen 127.0.0.1:$port\$" "$work/apache2.conf" || fail "no 'Include ports.conf' line"
printf 'ServerName 127.0.0.1\nPampsEnvironment test\n' >> "$work/apache2.conf"
apache -t >"$work/configtest.log" 2>&1 || { cat "$work/configtest.log"; fail "configtest"; }
apache -k start || { cat "$work/log/error.log"; fail "apache2 did not start"; }
root=http://127.0.0.1:$port
n=0
until curl -sf "$root/api/v1/health" >/dev/null; do
    n=$((n + 1))
    [ $n -lt 150 ] || { cat "$work/log/error.log"; fail "no answer on $root"; }
    sleep 0.1
done
say "Apache serves $root/api/v1 (PampsAutoMigrate made $DB)"

runuser -u www-data -- pamps migrate --db sqlite3:$DB --status | grep -q "up to date" ||
    fail "pamps migrate --status: not up to date"
printf 'admin password 1\n' | runuser -u www-data -- \
    pamps create-user --db sqlite3:$DB admin admin@example.com --admin --password-stdin
/usr/bin/python3 - "$root/api/v1" <<'PY'
import sys, requests
base = sys.argv[1]
r = requests.post(base + "/auth/login", json={"username": "admin", "password": "admin password 1"},
                  timeout=30)
assert r.status_code == 200, r.text
me = requests.get(base + "/users/me", timeout=30,
                  headers={"Authorization": "Bearer " + r.json()["access_token"]})
assert me.status_code == 200 and me.json()["role"] == "admin", me.text
PY
say "the packaged pamps made an admin who logs in"

cd "$top"
PAMPS_TEST_INSTALLED=$root PAMPS_TEST_INSTALLED_DB=sqlite3:$DB \
PAMPS_TEST_INSTALLED_LOG=$work/log/error.log \
    /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/e2e/test_smoke.py
stop_apache
[ ! -e "$work/run/apache2.pid" ] || fail "apache2 left its pid file"

# --- 3. purged: nothing of it left --------------------------------------
dpkg -L $PKG > "$work/files"
dpkg --purge $PKG >>"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg --purge"; }
restore_dbd
left=0
while read -r f; do
    [ "$f" = /. ] && f=/
    if [ -e "$f" ] && ! grep -qxF "$f" "$work/preexisting"; then
        say "left behind: $f"
        left=1
    fi
done < "$work/files"
for f in $DATA $KEY; do
    [ ! -e "$f" ] || { say "left behind: $f"; left=1; }
done
[ -z "$(debconf-show $PKG 2>/dev/null)" ] || { say "debconf still holds $PKG"; left=1; }
snapshot > "$work/after"
if ! diff -u "$work/before" "$work/after" > "$work/diff"; then
    say "the machine differs from before:"
    cat "$work/diff"
    left=1
fi
[ $left = 0 ] || fail "the purge left files behind"
say "purged: $(wc -l < "$work/files") paths of the package gone, the machine as it was"
