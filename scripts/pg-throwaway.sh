#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL server (initdb as the `postgres` user when run as root).
#   eval "$(scripts/pg-throwaway.sh start)"   → exports LINDUNG_PG_DIR and LINDUNG_TEST_PG_URL
#   scripts/pg-throwaway.sh stop "$LINDUNG_PG_DIR"
# initdb refuses to run as root, so as root the server runs as the `postgres` user.
set -euo pipefail

find_bin() {
  local d
  if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ]; then echo "$PG_BINDIR"; return 0; fi
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  d=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
  [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  return 1
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$1"; else bash -c "$1"; fi
}

case "${1:-}" in
  available)
    find_bin >/dev/null ;;
  start)
    bin=$(find_bin) || { echo "PostgreSQL server binaries not found" >&2; exit 3; }
    port=${PG_PORT:-$(( 55000 + RANDOM % 4000 ))}
    dir=$(mktemp -d /tmp/lindung-pg.XXXXXX)
    chmod 755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_owner "'$bin/initdb' -D '$dir/data' -A trust -U postgres -E UTF8 --locale=C.UTF-8" >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "'$bin/pg_ctl' -D '$dir/data' -w -o \"-k '$dir' -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" -l '$dir/server.log' start" >&2 \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "export LINDUNG_PG_DIR='$dir'"
    echo "export LINDUNG_TEST_PG_URL='postgres://postgres@127.0.0.1:$port/postgres'" ;;
  stop)
    dir=${2:?usage: stop DIR}
    bin=$(find_bin)
    as_owner "'$bin/pg_ctl' -D '$dir/data' -m fast stop" >/dev/null 2>&1 || true
    rm -rf "$dir" ;;
  *)
    echo "usage: $0 available|start|stop DIR" >&2; exit 2 ;;
esac
