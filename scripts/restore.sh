#!/usr/bin/env bash
# Restore a dump of scripts/backup.sh into the database named by DATABASE_URL
# (docs/operations.md "Restoring"). Stop `lindung-web` and `lindung-worker` first.
#   DATABASE_URL=postgres://lindung@127.0.0.1/lindung scripts/restore.sh FILE
# The database must exist (empty, or the old one: --clean drops each object before it is
# restored); after `dropdb`, create it again with `createdb -O lindung lindung`. All or nothing:
# one transaction, stopped at the first error. Objects are owned by the connecting user.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: DATABASE_URL=postgres://… $0 FILE" >&2; exit 2; }
file=$1
[ -r "$file" ] || { echo "cannot read $file" >&2; exit 2; }
: "${DATABASE_URL:?DATABASE_URL is not set (the PostgreSQL database to restore into)}"

if ! command -v pg_restore >/dev/null; then
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -Vr); do PATH=$PATH:$d; done
fi
command -v pg_restore >/dev/null || { echo "pg_restore not found (apt-get install postgresql-client)" >&2; exit 3; }

url=$DATABASE_URL
case $url in
  postgres://*|postgresql://*) ;;
  pgsql://*) url="postgresql://${url#pgsql://}" ;;
  *) echo "DATABASE_URL is not a PostgreSQL URL" >&2; exit 2 ;;
esac

pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error \
  --no-password --dbname="$url" "$file"
echo "restored $file"
