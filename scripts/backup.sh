#!/usr/bin/env bash
# Nightly backup of Lindung's PostgreSQL database (docs/operations.md "Backups").
#   DATABASE_URL=postgres://lindung@127.0.0.1/lindung scripts/backup.sh DIR
# Writes DIR/lindung-YYYYmmdd-HHMMSS.dump (pg_dump --format=custom, readable only by its
# owner: it holds NIKs and names) and keeps the newest LINDUNG_BACKUP_KEEP dumps (default 14).
# Prints the new file's path. The uploaded files under LINDUNG_VAR_DIR are not in the dump:
# back that folder up with the server's file backup.
set -euo pipefail

usage() { echo "usage: DATABASE_URL=postgres://… $0 DIR" >&2; exit 2; }
[ $# -eq 1 ] || usage
dir=$1
: "${DATABASE_URL:?DATABASE_URL is not set (the PostgreSQL database to back up)}"
keep=${LINDUNG_BACKUP_KEEP:-14}
[[ $keep =~ ^[1-9][0-9]*$ ]] || { echo "LINDUNG_BACKUP_KEEP must be a whole number >= 1, not '$keep'" >&2; exit 2; }

# PostgreSQL's client tools: on PATH, else Debian's versioned folder (newest first).
if ! command -v pg_dump >/dev/null; then
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -Vr); do PATH=$PATH:$d; done
fi
command -v pg_dump >/dev/null || { echo "pg_dump not found (apt-get install postgresql-client)" >&2; exit 3; }

# libpq reads postgres:// and postgresql:// URLs; dj-database-url's other spellings are mapped.
url=$DATABASE_URL
case $url in
  postgres://*|postgresql://*) ;;
  pgsql://*) url="postgresql://${url#pgsql://}" ;;
  *) echo "DATABASE_URL is not a PostgreSQL URL; backups cover PostgreSQL only" >&2; exit 2 ;;
esac

umask 077
mkdir -p "$dir"
stamp=$(date +%Y%m%d-%H%M%S)
target="$dir/lindung-$stamp.dump"
partial="$target.partial"
trap 'rm -f "$partial"' EXIT
pg_dump --format=custom --no-password --file="$partial" --dbname="$url"
mv "$partial" "$target"
trap - EXIT

# Keep the newest $keep dumps (names sort by time).
ls -1 "$dir"/lindung-*.dump 2>/dev/null | sort | head -n "-$keep" | while read -r old; do
  rm -f -- "$old"
done
echo "$target"
