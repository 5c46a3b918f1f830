#!/bin/sh
# pg_cluster.sh — runs a command beside a throwaway PostgreSQL cluster of its own
# (issue 10: tests start their own server, never a system database).
#
#   tests/support/pg_cluster.sh [--tcp] [--durable] COMMAND [ARGS...]
#
# initdb makes a cluster in a fresh folder under $TMPDIR (as the `postgres` user when
# run as root, since initdb refuses root), the server listens on a Unix socket in that
# folder only (with --tcp also on 127.0.0.1 at a free port, password logins there),
# COMMAND runs with
#   PGHOST=<the folder> PGPORT PGUSER=postgres PGDATABASE=postgres
#   ALLOT_TEST_PG_DIR=<the folder>  ALLOT_TEST_PG_DATA=<its data folder>
#   ALLOT_TEST_PG_BIN=<the server's bin folder>  ALLOT_TEST_PG_AS=<"runuser -u postgres --" or "">
#   ALLOT_TEST_PG_OPTS=<the server's options, for a test that stops and starts it again>
#   ALLOT_TEST_PG_TCP_PORT=<the port> (with --tcp)
# and the cluster is stopped and removed when it ends (also on a signal).  The exit
# status is COMMAND's.  Without a PostgreSQL server installed it prints why and exits
# 77, which ctest reports as skipped (SKIP_RETURN_CODE).
set -u
tcp=no
durable=no
while :; do
    case "${1:-}" in
    --tcp) tcp=yes; shift ;;
    --durable) durable=yes; shift ;;
    *) break ;;
    esac
done
[ $# -ge 1 ] || { echo "usage: pg_cluster.sh [--tcp] COMMAND [ARGS...]" >&2; exit 2; }

bin=
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && bin=$d
done
if [ -z "$bin" ]; then
    echo "SKIPPED: no PostgreSQL server on this machine (/usr/lib/postgresql/*/bin/initdb not found; install the package postgresql)"
    exit 77
fi

as=
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "SKIPPED: running as root and there is no postgres user for initdb"; exit 77; }
    as="runuser -u postgres --"
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/allot-pg-XXXXXX") || exit 1
chmod 755 "$dir"
[ -n "$as" ] && chown postgres "$dir"
data=$dir/data

stop() {
    $as "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$dir"
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap 'stop; exit 129' HUP

if ! $as "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    stop
    exit 1
fi

listen="''"
port=5432
if [ "$tcp" = yes ]; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    listen=127.0.0.1
fi
# fsync off: a throwaway cluster need not survive a machine crash (a killed server
# still keeps every commit); the benchmarks ask for --durable (fsync on, as a
# server that planners share would run).
sync="-c fsync=off"
[ "$durable" = yes ] && sync="-c fsync=on -c shared_buffers=256MB -c max_wal_size=4GB"
opts="-c listen_addresses=$listen -c port=$port -c unix_socket_directories=$dir $sync -c max_connections=60"
if ! $as "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 -o "$opts" start >/dev/null; then
    cat "$dir/server.log" >&2
    stop
    exit 1
fi

export PGHOST=$dir PGPORT=$port PGUSER=postgres PGDATABASE=postgres
export ALLOT_TEST_PG_DIR=$dir ALLOT_TEST_PG_DATA=$data ALLOT_TEST_PG_BIN=$bin ALLOT_TEST_PG_AS="$as"
export ALLOT_TEST_PG_OPTS="$opts"
[ "$tcp" = yes ] && export ALLOT_TEST_PG_TCP_PORT=$port
unset PGPASSWORD PGSERVICE PGSSLMODE
"$@"
rc=$?
stop
exit $rc
