#!/bin/sh
# Writes DATA_DIR/httpd.conf from conf/httpd-dev.conf.in and prepares
# DATA_DIR (JWT key, docroot, ownership) for a private httpd.
# usage: render_conf.sh TOP MODULE PORT DATA_DIR [EXTRA_DIRECTIVES]
# Environment: DB_DRIVER (sqlite3), DB_PARAMS (DATA_DIR/pamps.db),
# ENVIRONMENT (development), LOG_LEVEL (warn).
set -eu
top=$1 module=$2 port=$3 data=$4 extra=${5:-}
driver=${DB_DRIVER:-sqlite3}
params=${DB_PARAMS:-$data/pamps.db}

mkdir -p "$data/htdocs"
if [ ! -s "$data/jwt.key" ]; then
    # a dev-only secret, made here and never committed
    (umask 077 && head -c 48 /dev/urandom | base64 > "$data/jwt.key")
fi
[ -f "$data/htdocs/static.txt" ] || head -c 1024 /dev/zero | tr '\0' 'x' > "$data/htdocs/static.txt"

user_group=""
if [ "$(id -u)" = 0 ]; then
    # children must not run as root; they write the SQLite file and its WAL
    user_group="User www-data
Group www-data"
    chown www-data:www-data "$data"
    for f in "$data"/pamps.db "$data"/pamps.db-wal "$data"/pamps.db-shm; do
        [ -e "$f" ] && chown www-data:www-data "$f"
    done
fi

esc() { printf '%s' "$1" | sed -e 's/[\\&|]/\\&/g'; }
sed -e "s|@DATA_DIR@|$(esc "$data")|g" \
    -e "s|@PORT@|$port|g" \
    -e "s|@TOP@|$(esc "$top")|g" \
    -e "s|@MODULE@|$(esc "$module")|g" \
    -e "s|@DB_DRIVER@|$driver|g" \
    -e "s|@DB_PARAMS@|$(esc "$params")|g" \
    -e "s|@ENVIRONMENT@|${ENVIRONMENT:-development}|g" \
    -e "s|@LOG_LEVEL@|${LOG_LEVEL:-warn}|g" \
    "$top/conf/httpd-dev.conf.in" > "$data/httpd.conf.tmp"
# multi-line values go in with awk, not sed
awk -v ug="$user_group" -v extra="$extra" \
    '{ if ($0 == "@USER_GROUP@") print ug; else if ($0 == "@EXTRA@") print extra; else print }' \
    "$data/httpd.conf.tmp" > "$data/httpd.conf"
rm -f "$data/httpd.conf.tmp"
