#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh CMD...
# Starts a throwaway PostgreSQL 15 cluster on 127.0.0.1 (a free port, socket and data in a temp dir),
# exports DATABASE_URL for it, runs CMD, then stops the cluster and removes the temp dir whatever happens.
# Exits with CMD's exit code. PostgreSQL refuses to run as root: as root it runs as the `postgres` user.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 CMD..." >&2
    exit 2
fi

PG_BIN=${PG_BIN:-/usr/local/bin}
if [ "$(id -u)" -eq 0 ]; then
    AS_PG=(runuser -u postgres --)
else
    AS_PG=()
fi

PGTMP=$(mktemp -d)
[ "$(id -u)" -eq 0 ] && chown postgres: "$PGTMP"
PGDATA_DIR="$PGTMP/data"
STARTED=0

cleanup() {
    local rc=$?
    if [ "$STARTED" -eq 1 ]; then
        (cd "$PGTMP" && "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null) \
            || echo "== PostgreSQL 15 pass: could not stop the cluster cleanly ==" >&2
        echo "== PostgreSQL 15 pass: stopped =="
    fi
    rm -rf "$PGTMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

# Run from the temp dir: the postgres user may not be able to read the caller's working directory.
(cd "$PGTMP" && "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$PGTMP/initdb.log" 2>&1) || {
    echo "== PostgreSQL 15 pass: initdb failed ==" >&2
    cat "$PGTMP/initdb.log" >&2
    exit 1
}
STARTED=1
(cd "$PGTMP" && "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGTMP/log" -w \
    -o "-k $PGTMP -c listen_addresses=127.0.0.1 -p $PORT" start >/dev/null) || {
    echo "== PostgreSQL 15 pass: could not start the cluster; its log: ==" >&2
    cat "$PGTMP/log" >&2 || true
    exit 1
}

export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
echo "== PostgreSQL 15 pass: started on 127.0.0.1:$PORT ($("$PG_BIN/postgres" --version)) =="

set +e
"$@"
rc=$?
set -e
echo "== PostgreSQL 15 pass: command exited with $rc =="
exit "$rc"
