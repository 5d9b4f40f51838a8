#!/usr/bin/env bash
# The suite on SQLite, then on PostgreSQL: LINDUNG_TEST_PG_URL if set, else a throwaway server
# when PostgreSQL's binaries exist; says plainly when it skips PostgreSQL. ONLY=sqlite|postgresql.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
ONLY=${ONLY:-}
status=0

run() {  # label, then the command
  local label=$1; shift
  echo "=== Lindung test suite on $label ==="
  "$@"
  local rc=$?
  [ $rc -eq 0 ] || { echo "=== FAILED on $label (exit $rc) ==="; status=1; }
}

if [ "$ONLY" != postgresql ]; then
  run SQLite env -u DATABASE_URL LINDUNG_TEST_DB=sqlite "$BIN/pytest" "$@"
fi

if [ "$ONLY" != sqlite ]; then
  started=""
  if [ -z "${LINDUNG_TEST_PG_URL:-}" ]; then
    if scripts/pg-throwaway.sh available; then
      eval "$(scripts/pg-throwaway.sh start)" || { echo "could not start PostgreSQL"; exit 1; }
      started=$LINDUNG_PG_DIR
      trap 'scripts/pg-throwaway.sh stop "$started"' EXIT
    else
      echo "=== SKIPPING PostgreSQL: server binaries (initdb, pg_ctl) not found." \
           "Install them (apt-get install postgresql) or set LINDUNG_TEST_PG_URL. ==="
    fi
  fi
  if [ -n "${LINDUNG_TEST_PG_URL:-}" ]; then
    run PostgreSQL env DATABASE_URL="$LINDUNG_TEST_PG_URL" LINDUNG_TEST_DB=postgresql \
      "$BIN/pytest" "$@"
  fi
fi
exit $status
