#!/usr/bin/env bash
# Proves that a backup restores (docs/operations.md "Testing the backups"; run in CI on
# PostgreSQL by tests/ops/test_backup.py). On a SCRATCH database, never the live one:
#   scripts/backup-check.sh --drop postgres://user@host:port/scratch_db
# Counts the rows of every table, dumps with scripts/backup.sh, DROPS and recreates the
# database, restores with scripts/restore.sh and counts again. Exit 0 when every count is
# equal, 1 on any difference, 2 on a usage error, 3 when a step fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

usage() {
  echo "usage: $0 --drop DATABASE_URL   (the database is dropped and restored: a scratch copy)" >&2
  exit 2
}
[ $# -eq 2 ] && [ "$1" = --drop ] || usage
url=$2
case $url in
  postgres://*|postgresql://*) ;;
  pgsql://*) url="postgresql://${url#pgsql://}" ;;
  *) echo "not a PostgreSQL URL: $url" >&2; exit 2 ;;
esac

if ! command -v psql >/dev/null; then
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -Vr); do PATH=$PATH:$d; done
fi
export PATH

# scheme://[user[:password]@]host[:port]/dbname[?options] → the database name and the same
# server's maintenance database (postgres), to drop and create it from.
scheme=${url%%://*}
rest=${url#*://}
query=""
if [[ $rest == *\?* ]]; then query="?${rest#*\?}"; rest=${rest%%\?*}; fi
[[ $rest == */* ]] || { echo "the URL names no database: $url" >&2; exit 2; }
dbname=${rest##*/}
server=${rest%/*}
[ -n "$dbname" ] || { echo "the URL names no database: $url" >&2; exit 2; }
[[ $dbname =~ ^[A-Za-z0-9_-]+$ ]] || { echo "unusual database name '$dbname': refused" >&2; exit 2; }
admin="$scheme://$server/postgres$query"

counts() {  # one "schema.table count" line per table, sorted
  local sql
  sql=$(psql --no-password -X -At -d "$url" -c "
    SELECT string_agg(format('SELECT %L AS t, count(*) AS n FROM %I.%I',
                             schemaname || '.' || tablename, schemaname, tablename),
                      ' UNION ALL ' ORDER BY schemaname, tablename)
    FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
  if [ -n "$sql" ]; then
    psql --no-password -X -At -F ' ' -d "$url" -c "SELECT t, n FROM ($sql) c ORDER BY t"
  fi
  # Sequences too: a restore that lost them would hand out ids already taken.
  psql --no-password -X -At -F ' ' -d "$url" -c "
    SELECT 'sequence:' || schemaname || '.' || sequencename, coalesce(last_value, 0)
    FROM pg_sequences ORDER BY 1"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step() { echo "== $*" >&2; }

step "counting rows in $dbname"
counts >"$work/before" || exit 3
tables=$(grep -vc '^sequence:' "$work/before" || true)
rows=$(awk '$1 !~ /^sequence:/ {s += $2} END {print s + 0}' "$work/before")
step "$tables tables, $rows rows"

step "dumping"
dump=$(DATABASE_URL=$url LINDUNG_BACKUP_KEEP=1 "$here/backup.sh" "$work/dumps") || exit 3

step "dropping and creating $dbname"
psql --no-password -X -q -v ON_ERROR_STOP=1 -d "$admin" \
  -c "DROP DATABASE IF EXISTS \"$dbname\" WITH (FORCE)" \
  -c "CREATE DATABASE \"$dbname\"" || exit 3
after_drop=$(psql --no-password -X -At -d "$url" -c \
  "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
[ "$after_drop" = 0 ] || { echo "the recreated database is not empty" >&2; exit 3; }

step "restoring $(basename "$dump")"
DATABASE_URL=$url "$here/restore.sh" "$dump" >&2 || exit 3

step "counting again"
counts >"$work/after" || exit 3
if diff -u "$work/before" "$work/after" >&2; then
  echo "backup-check: OK: $tables tables, $rows rows, equal before and after the restore"
  exit 0
fi
echo "backup-check: DIFFERENT counts after the restore (diff above)" >&2
exit 1
