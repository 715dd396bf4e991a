#!/bin/sh
# `make run`: a private httpd in the foreground with mod_pamps on SQLite.
# usage: run.sh TOP MODULE PORT DATA_DIR
set -eu
top=$1 module=$2 port=$3 data=$4

mkdir -p "$data"
sh "$top/scripts/render_conf.sh" "$top" "$module" "$port" "$data"
/usr/sbin/apache2 -d "$data" -f "$data/httpd.conf" -t >/dev/null 2>&1 || {
    /usr/sbin/apache2 -d "$data" -f "$data/httpd.conf" -t
    exit 1
}
echo "PAMPS_DB='sqlite3:$data/pamps.db'"
echo "mod_pamps on http://127.0.0.1:$port/api/v1 (errors: $data/error.log; Ctrl-C stops)"
# exec: Ctrl-C reaches httpd itself, which stops its children and leaves nothing behind
exec /usr/sbin/apache2 -d "$data" -f "$data/httpd.conf" -D FOREGROUND
