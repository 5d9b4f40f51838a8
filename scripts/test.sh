#!/usr/bin/env bash
# The suite on SQLite, then on PostgreSQL: LINDUNG_TEST_PG_URL if set, else a throwaway server
# when PostgreSQL's binaries exist; says plainly when it skips PostgreSQL. ONLY=sqlite|postgresql.
#
# SQLite runs every test. PostgreSQL runs the tests marked `engine` (SQL paths, locks,
# concurrency, bulk import, set-based SQL, and the access matrix: docs/ARCHITECTURE.md
# "Tests"); PG_TESTS=all runs the whole suite there too. Tests run on every core
# (pytest-xdist, one database per worker); LINDUNG_TEST_WORKERS=0 runs them in one process.
# PHASE_LOG=FILE appends "name seconds" per database, for .ci/run's summary.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
ONLY=${ONLY:-}
PG_TESTS=${PG_TESTS:-engine}
WORKERS=${LINDUNG_TEST_WORKERS:-auto}
status=0

run() {  # label, then the command
  local label=$1; shift
  local started=$SECONDS
  echo "=== Lindung test suite on $label ==="
  "$@"
  local rc=$?
  local took=$((SECONDS - started))
  echo "=== $label: ${took} s ==="
  [ -n "${PHASE_LOG:-}" ] && echo "tests-$label $took" >>"$PHASE_LOG"
  # pytest's 5 is "no tests collected": a selection that ran nothing is a failure too.
  [ $rc -eq 0 ] || { echo "=== FAILED on $label (exit $rc) ==="; status=1; }
}

pytest_args=(-n "$WORKERS" --durations=15)
[ "$WORKERS" = 0 ] && pytest_args=(--durations=15)

if [ "$ONLY" != postgresql ]; then
  run SQLite env -u DATABASE_URL LINDUNG_TEST_DB=sqlite "$BIN/pytest" "${pytest_args[@]}" "$@"
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
    selection=()
    [ "$PG_TESTS" = all ] || selection=(-m "$PG_TESTS")
    run PostgreSQL env DATABASE_URL="$LINDUNG_TEST_PG_URL" LINDUNG_TEST_DB=postgresql \
      "$BIN/pytest" "${pytest_args[@]}" "${selection[@]}" "$@"
  fi
fi
exit $status
