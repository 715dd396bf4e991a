#!/bin/sh
# A private PostgreSQL cluster in a directory, for `make run DB=pgsql`.
# usage: pgcluster.sh start DIR   (initdb on first use; prints apr_dbd params)
#        pgcluster.sh stop DIR
# It listens on a unix socket in DIR only (no TCP port), with trust auth:
# a development setup, not a deployment.
set -eu
cmd=$1 dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
port=5432

as_owner() {
    # initdb refuses root: as root, the cluster belongs to the postgres user
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $cmd in
start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    chmod 755 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
            --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w \
        -o "-p $port -k $dir -c listen_addresses=''" start >/dev/null
    if ! psql -X -h "$dir" -p $port -U postgres -At -c \
            "SELECT 1 FROM pg_database WHERE datname = 'pamps'" postgres | grep -q 1; then
        psql -X -q -h "$dir" -p $port -U postgres -c "CREATE DATABASE pamps" postgres
    fi
    echo "host=$dir port=$port dbname=pamps user=postgres"
    ;;
stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -w -m fast stop >/dev/null 2>&1 || true
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
