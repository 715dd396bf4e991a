#!/bin/sh
# `make run`: a private httpd in the foreground with mod_pamps, on SQLite
# (default) or on a private PostgreSQL in DATA_DIR/pg (DB=pgsql).
# usage: run.sh TOP MODULE PORT DATA_DIR [sqlite3|pgsql]
# HTTPD_PRELOAD: a library preloaded into httpd alone (the ASan runtime, for
# a module built with sanitizers: tests/e2e/test_run.py under make test-asan).
set -eu
top=$1 module=$2 port=$3 data=$4 db=${5:-sqlite3}
preload=${HTTPD_PRELOAD:-${LD_PRELOAD:-}}

mkdir -p "$data"
case $db in
sqlite3)
    export DB_DRIVER=sqlite3 DB_PARAMS="$data/pamps.db"
    spec="sqlite3:$data/pamps.db"
    ;;
pgsql)
    params=$(sh "$top/scripts/pgcluster.sh" start "$data/pg")
    export DB_DRIVER=pgsql DB_PARAMS="$params"
    spec="pgsql:$params"
    ;;
*)
    echo "DB must be sqlite3 or pgsql" >&2
    exit 2
    ;;
esac

stop_db() {
    [ "$db" = pgsql ] && sh "$top/scripts/pgcluster.sh" stop "$data/pg"
    return 0
}

sh "$top/scripts/render_conf.sh" "$top" "$module" "$port" "$data"
if ! LD_PRELOAD=$preload /usr/sbin/apache2 -d "$data" -f "$data/httpd.conf" -t >/dev/null 2>&1; then
    LD_PRELOAD=$preload /usr/sbin/apache2 -d "$data" -f "$data/httpd.conf" -t
    stop_db
    exit 1
fi
echo "PAMPS_DB='$spec'"
rm -f "$data/httpd.pid"

# httpd runs in the foreground as a child, in a session of its own: Ctrl-C
# reaches this script only, which asks httpd for a graceful stop (SIGWINCH;
# the requests in flight finish, GracefulShutdownTimeout bounds it). A
# SIGINT or SIGTERM straight to httpd would stop it ungracefully, which can
# crash a child of the event MPM (README "Sizing, timeouts and restarts").
# Then the database goes too.
LD_PRELOAD=$preload setsid /usr/sbin/apache2 -d "$data" -f "$data/httpd.conf" -D FOREGROUND &
httpd=$!
trap 'kill -WINCH $httpd 2>/dev/null || true' INT TERM HUP
# httpd writes its pid file once its ports are open: from the line below on,
# a request is answered
while [ ! -s "$data/httpd.pid" ] && kill -0 $httpd 2>/dev/null; do
    sleep 0.1
done
if kill -0 $httpd 2>/dev/null; then
    echo "mod_pamps on http://127.0.0.1:$port/api/v1 (errors: $data/error.log; Ctrl-C stops)"
fi
wait $httpd || true
wait $httpd 2>/dev/null || true
stop_db
